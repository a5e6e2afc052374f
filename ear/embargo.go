package ear

import (
	"fmt"
	"regexp"
)

var (
	foodMedicineRe = regexp.MustCompile(`(?i)\b(food|foodstuffs?|medicines?|medical suppl(y|ies)|pharmaceuticals?)\b`)
	notFoodRe      = regexp.MustCompile(`(?i)\b(non[- ]?|not\s+|other than\s+|excluding\s+|except\s+)(food|medicine)`)
)

// isFoodOrMedicine reports whether an EAR99 item's description says it is
// food or medicine, the usual Part 746 exclusion ("non-food" does not count).
func isFoodOrMedicine(item ECCN, desc string) bool {
	return item.IsEAR99() && foodMedicineRe.MatchString(desc) && !notFoodRe.MatchString(desc)
}

// embargoReasons applies General Prohibition Six: embargoes and special
// destination controls of Part 746. The Country Chart rows of these
// destinations carry no marks, so a blank row never means NLR here.
func (e *Engine) embargoReasons(c *evalCtx) {
	if c.dest.NotExport {
		return
	}
	iso := c.dest.rowISO()
	for i, item := range c.items {
		desc := c.req.Items[i].Description
		it := item.String()
		switch iso {
		case "CU":
			e.allItems(c, "embargo-cuba", item, "Cuba")
		case "IR":
			// EAR99 exports to Iran are prohibited by OFAC's ITSR unless OFAC
			// authorizes them; CCL items need the EAR license too (§ 746.7).
			if item.IsEAR99() && e.ruleInForce("embargo-iran", c.date) {
				c.add(e.reason("embargo-iran", LicenseRequired, fmt.Sprintf("%s to Iran: OFAC authorization is required under the Iranian Transactions and Sanctions Regulations (31 CFR 560.204); § 746.7 points there for items not on the CCL.", it)), it, "")
				continue
			}
			e.allItems(c, "embargo-iran", item, "Iran")
		case "KP":
			e.allButFoodMedicine(c, "embargo-north-korea", item, desc, "North Korea")
		case "SY":
			switch {
			case e.ruleInForce("embargo-syria", c.date):
				e.allButFoodMedicine(c, "embargo-syria", item, desc, "Syria")
			case e.ruleInForce("embargo-syria-2025", c.date):
				if item.IsEAR99() {
					r := e.reason("embargo-syria-2025", NLR, fmt.Sprintf("%s to Syria on %s: EAR99 items may be exported under License Exception SPP (15 CFR 740.5) since 2025-09-02, unless a Part 744 requirement applies; use the SPP designation.", it, c.date))
					r.LicenseExceptions = &LicenseExceptions{Candidates: []ExceptionCandidate{{Symbol: "SPP", Section: e.t.exceptions["SPP"].Section, Why: "EAR99 item to Syria (15 CFR 746.9 as amended by 90 FR 42315)"}}}
					c.add(r, it, "")
				} else {
					r := e.reason("embargo-syria-2025", LicenseRequired, fmt.Sprintf("%s to Syria on %s: items on the CCL still need a license unless a § 746.9(b) exception (e.g. CCD) applies.", it, c.date))
					r.LicenseExceptions = &LicenseExceptions{Why: e.t.rules["embargo-syria-2025"].LicenseExceptions}
					c.add(r, it, "")
				}
			}
		case "RU", "BY":
			id := map[string]string{"RU": "embargo-russia", "BY": "embargo-belarus"}[iso]
			name := map[string]string{"RU": "Russia", "BY": "Belarus"}[iso]
			if !e.ruleInForce(id, c.date) {
				continue
			}
			if item.IsEAR99() {
				r := e.reason(id, Review, fmt.Sprintf("EAR99 item to %s: a license is required if its HTS code is listed in Supp. No. 2, 4, 5 or 7 to Part 746 (15 CFR 746.8(a)(2), 746.5); the engine has no HTS data: check the code.", name))
				c.add(r, it, "")
			} else {
				c.add(e.reason(id, LicenseRequired, fmt.Sprintf("%s to %s: 15 CFR 746.8(a)(1) requires a license for every item on the CCL.", it, name)), it, "")
			}
		}
		switch c.req.Region {
		case RegionCrimea:
			e.regionRule(c, "embargo-crimea", item, desc, "the Crimea region of Ukraine")
		case RegionDNR:
			e.regionRule(c, "embargo-dnr-lnr", item, desc, "the so-called Donetsk People's Republic (DNR) region of Ukraine")
		case RegionLNR:
			e.regionRule(c, "embargo-dnr-lnr", item, desc, "the so-called Luhansk People's Republic (LNR) region of Ukraine")
		}
	}
}

func (e *Engine) allItems(c *evalCtx, id string, item ECCN, name string) {
	if !e.ruleInForce(id, c.date) {
		return
	}
	c.add(e.reason(id, LicenseRequired, fmt.Sprintf("%s to %s: a license is required for all items subject to the EAR, including EAR99 (%s).", item, name, e.t.rules[id].CFR[0])), item.String(), "")
}

func (e *Engine) allButFoodMedicine(c *evalCtx, id string, item ECCN, desc, name string) {
	if !e.ruleInForce(id, c.date) {
		return
	}
	if isFoodOrMedicine(item, desc) {
		c.add(e.reason(id, NLR, fmt.Sprintf("EAR99 food or medicine to %s: excluded from the license requirement (%s); description: %q.", name, e.t.rules[id].CFR[0], desc)), item.String(), "")
		return
	}
	c.add(e.reason(id, LicenseRequired, fmt.Sprintf("%s to %s: a license is required for all items subject to the EAR except food and medicine designated EAR99 (%s).", item, name, e.t.rules[id].CFR[0])), item.String(), "")
}

func (e *Engine) regionRule(c *evalCtx, id string, item ECCN, desc, name string) {
	if !e.ruleInForce(id, c.date) {
		m := e.t.rules[id]
		c.add(e.reason(id, Info, fmt.Sprintf("The %s region rule took effect on %s, after %s: it does not apply on that date.", name, m.From, c.date)), item.String(), "")
		return
	}
	e.allButFoodMedicine(c, id, item, desc, name)
}
