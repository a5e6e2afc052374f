package ear

import "fmt"

// militaryLike reports whether the end-user type is a 'military end user'
// as 15 CFR 744.21(g) and 744.9(d) define it: national armed services,
// national guard, national police, government intelligence organizations.
func militaryLike(t string) bool {
	return t == EndUserMilitary || t == EndUserPolice || t == EndUserMilitaryIntelligence
}

// endUseReasons applies General Prohibition Five for the stated end-user
// type: §§ 744.21 (military end use/user), 744.22 (military-intelligence)
// and 744.9 (cameras for military and police end users).
func (e *Engine) endUseReasons(c *evalCtx) {
	eut := c.req.EndUserType
	if !militaryLike(eut) || c.dest.NotExport {
		return
	}
	iso := c.dest.rowISO()
	if d, ok := e.t.endUse["military-end-use-supp2"][iso]; ok && c.date >= d.Effective {
		for _, item := range c.items {
			it := item.String()
			if item.IsEAR99() || !e.t.supp2[item.Base] {
				r := e.reason("military-end-use", NLR, fmt.Sprintf("%s is not in Supp. No. 2 to Part 744, so § 744.21(a)(1) does not reach it for a %s end user in %s.", it, eut, iso))
				c.add(r, it, "")
				continue
			}
			r := e.reason("military-end-use", LicenseRequired, fmt.Sprintf("%s is listed in Supp. No. 2 to Part 744 and the end user is a %s end user in %s (%s): license required under 15 CFR 744.21(a)(1).", it, eut, iso, d.Note))
			r.ReviewPolicy = "Presumption of denial (15 CFR 744.21(e)(1))"
			c.add(r, it, "")
		}
	}
	if d, ok := e.t.endUse["military-end-use-all-items"][iso]; ok && c.date >= d.Effective {
		for _, item := range c.items {
			r := e.reason("military-end-use", LicenseRequired, fmt.Sprintf("Any item subject to the EAR (here %s) for a %s end user in %s: license required under 15 CFR 744.21(a)(2) (%s).", item, eut, iso, d.Note))
			r.ReviewPolicy = "Policy of denial (15 CFR 744.21(e)(2))"
			c.add(r, item.String(), "")
		}
	}
	if eut == EndUserMilitaryIntelligence {
		if d, ok := e.t.endUse["military-intelligence"][iso]; ok && c.date >= d.Effective {
			for _, item := range c.items {
				r := e.reason("military-intelligence", LicenseRequired, fmt.Sprintf("Any item subject to the EAR (here %s) for a military-intelligence end user in %s: license required (%s); U.S.-person support is also restricted (§ 744.6(b)(5)).", item, iso, d.Note))
				c.add(r, item.String(), "")
			}
		}
	}
	for _, item := range c.items {
		e.cameraRule(c, item, iso, eut)
	}
}

// cameraRule applies 15 CFR 744.9: cameras and thermal imaging for military
// or police end users, any destination except the exempt ones.
func (e *Engine) cameraRule(c *evalCtx, item ECCN, iso, eut string) {
	if item.IsEAR99() {
		return
	}
	for _, cr := range e.t.cameras {
		if item.Within(cr.ECCN) {
			if e.t.destIn(cr.Exempt, iso) {
				r := e.reason("cameras-744.9", NLR, fmt.Sprintf("%s for a %s end user: %s is exempt from § 744.9 for %s.", item, eut, iso, cr.ECCN))
				c.add(r, item.String(), "")
				return
			}
			r := e.reason("cameras-744.9", LicenseRequired, fmt.Sprintf("%s (%s) for a %s end user in %s: license required under 15 CFR 744.9(a).", item, cr.Note, eut, iso))
			c.add(r, item.String(), "")
			return
		}
	}
	for _, cr := range e.t.cameras {
		if cr.ECCN.Within(item) && !e.t.destIn(cr.Exempt, iso) {
			r := e.reason("cameras-744.9", Review, fmt.Sprintf("%s for a %s end user in %s: § 744.9 covers %s (%s); confirm the item's paragraph.", item, eut, iso, cr.ECCN, cr.Note))
			c.add(r, item.String(), "")
			return
		}
	}
}
