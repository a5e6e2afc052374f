package ear

import (
	"fmt"
	"strings"

	clearance "github.com/clearance-oss/clearance"
)

// affiliatesWindow returns the Affiliates-rule window in force on date, or
// nil before the rule (90 FR 47201, effective 2025-09-29). The windows are
// data (affiliates_rule.csv): a new Federal Register notice is a new row.
func (t *tables) affiliatesWindow(date string) *affWindow {
	for i := range t.affiliates {
		w := &t.affiliates[i]
		if date >= w.From && (w.To == "" || date <= w.To) {
			return w
		}
	}
	return nil
}

type listedOwner struct {
	owner  Owner
	entity *clearance.Entity
	entry  *ListEntry
}

// affiliateReasons applies the Affiliates (50%) rule to party p: owners that
// are listed (Entity List, MEU List, or SDNs under § 744.8 programs) and
// together own 50% or more pass on the most restrictive requirement and
// policy (Supp. No. 8 to Part 744); a listed owner of unknown share is
// Red Flag 29. While the rule is stayed the findings are reported only.
func (e *Engine) affiliateReasons(c *evalCtx, p Party) {
	if len(p.Owners) == 0 {
		return
	}
	var listed []listedOwner
	for _, o := range p.Owners {
		for _, m := range e.screen(o.Name) {
			ent := m.Entity
			if ent == nil {
				ent, _ = e.ix.Entity(m.EntityID)
			}
			if ent == nil || !e.listedAsOf(ent, c.date) {
				continue
			}
			m.Entity = ent
			relevant := m.List == clearance.EL || m.List == clearance.MEU ||
				(m.List == clearance.SDN && len(e.sdnPrograms744(ent, c.date)) > 0)
			if !relevant {
				continue
			}
			if m.Score < e.certain {
				r := e.reason("party-review", Review, fmt.Sprintf("Owner %q of %q possibly matches %q on the %s (score %.2f): decide whether it is the listed party (Affiliates rule).", o.Name, p.Name, ent.Name, listName(m.List), m.Score))
				r.Evidence.Entry = listEntry(m)
				c.add(r, "", p.Name)
				continue
			}
			listed = append(listed, listedOwner{o, ent, listEntry(m)})
			break // one listing per owner is enough to make it a listed owner
		}
	}
	if len(listed) == 0 {
		return
	}
	var sum float64
	unknown := false
	var shares []OwnerShare
	var names []string
	for _, lo := range listed {
		shares = append(shares, OwnerShare{Name: lo.owner.Name, Percent: lo.owner.Percent, Entry: lo.entry})
		names = append(names, fmt.Sprintf("%s (%s, %s)", lo.owner.Name, lo.entry.List, pct(lo.owner.Percent)))
		if lo.owner.Percent == nil {
			unknown = true
		} else {
			sum += *lo.owner.Percent
		}
	}
	w := e.t.affiliatesWindow(c.date)
	switch {
	case w == nil:
		r := e.reason("affiliates-stayed", Info, fmt.Sprintf("%q is owned by listed parties (%s), but on %s the Affiliates rule was not yet in force (effective 2025-09-29): a separately incorporated affiliate is legally distinct unless it acts as an agent or front (§ 744.11(c), GP10).", p.Name, strings.Join(names, "; "), c.date))
		r.Evidence.Owners = shares
		c.add(r, "", p.Name)
	case w.Status == "stayed":
		r := e.reason("affiliates-stayed", Info, fmt.Sprintf("%q is owned by listed parties (%s; %s in total), but the Affiliates rule is stayed from %s to %s (%s): not applied. Agents and fronts remain covered (§ 744.11(c), GP10).", p.Name, strings.Join(names, "; "), pct(&sum), w.From, w.To, w.FR))
		r.Evidence.Owners = shares
		r.Evidence.Note = w.Note
		c.add(r, "", p.Name)
	case sum >= 50:
		for i, item := range c.items {
			policy, which := e.mostRestrictive(listed, item, c.req.Items[i].Description, c.dest.rowISO())
			if policy == "" {
				continue // e.g. MEU owners only, item not in Supp. No. 2
			}
			r := e.reason("affiliates", LicenseRequired, fmt.Sprintf("%q is owned %s by listed parties (%s): under the Affiliates rule (in force %s–%s, %s) it takes their license requirement for %s; the most restrictive policy is %s's.", p.Name, pct(&sum), strings.Join(names, "; "), w.From, orOpen(w.To), w.FR, item, which))
			r.ReviewPolicy = policy
			r.Evidence.Owners = shares
			r.Evidence.Note = w.Note
			r.LicenseExceptions = &LicenseExceptions{Excluded: true, Why: "The owners' license-exception ineligibility passes to the affiliate (15 CFR 744.11(a)(1), 744.16(b))"}
			c.add(r, item.String(), p.Name)
		}
	case unknown:
		r := e.reason("affiliates-red-flag", Review, fmt.Sprintf("%q has listed owners whose share is not known (%s): resolve Red Flag 29 (determine the ownership) or apply for a license.", p.Name, strings.Join(names, "; ")))
		r.Evidence.Owners = shares
		r.Evidence.Note = "Red Flag 29 (Supp. No. 3 to Part 732): " + e.t.redFlags[29]
		c.add(r, "", p.Name)
	default:
		r := e.reason("affiliates", Info, fmt.Sprintf("%q: listed owners hold %s in total, below 50%%: the Affiliates rule does not apply.", p.Name, pct(&sum)))
		r.Evidence.Owners = shares
		c.add(r, "", p.Name)
	}
}

// mostRestrictive returns the strictest review policy among the listed
// owners for item, and which owner it comes from; "" when no owner's
// listing reaches the item.
func (e *Engine) mostRestrictive(listed []listedOwner, item ECCN, desc, iso string) (string, string) {
	best, who := "", ""
	for _, lo := range listed {
		var pol string
		switch lo.entry.List {
		case string(clearance.EL):
			pol = policyFor(lo.entity.LicensePolicy, item, desc)
		case string(clearance.MEU):
			if iso == "RU" || iso == "BY" {
				pol = "Policy of denial (15 CFR 744.21(e)(2))"
			} else if !item.IsEAR99() && e.t.supp2[item.Base] {
				pol = "Presumption of denial (15 CFR 744.21(e)(1))"
			}
		case string(clearance.SDN):
			pol = "Presumption of denial (15 CFR 744.8(c))"
		}
		if pol != "" && (best == "" || policyRank(pol) > policyRank(best)) {
			best, who = pol, lo.owner.Name
		}
	}
	return best, who
}

func pct(p *float64) string {
	if p == nil {
		return "share unknown"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", *p), "0"), ".") + "%"
}

func orOpen(s string) string {
	if s == "" {
		return "open-ended"
	}
	return s
}
