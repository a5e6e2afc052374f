package ear

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/match"
)

// consequenceLists are the lists whose entries carry an EAR consequence or
// demand a human decision; hits on the other lists (CMIC, SSI, MBS, PLC,
// CAP, DTC) are explained but do not change the decision by themselves.
var consequenceLists = map[clearance.ListCode]bool{
	clearance.EL: true, clearance.DPL: true, clearance.UVL: true, clearance.MEU: true,
	clearance.MIEU: true, clearance.SDN: true, clearance.FSE: true, clearance.ISN: true, clearance.UN: true,
}

func (e *Engine) screen(name string) []clearance.Match {
	q := match.Query{Name: name, Threshold: e.threshold, Limit: 25, Explain: true}
	hits := e.ix.Search(q)
	if e.mieu != nil {
		hits = append(hits, e.mieu.Search(q)...)
	}
	return hits
}

// listedOn is the date an entry took effect: the snapshot's listing date,
// or earlier when one of its citations resolves to a rule notice that took
// effect before publication (e.g. DJI: 85 FR 83416, published 2020-12-22,
// effective 2020-12-18). An undated entry whose citations resolve takes
// the earliest notice's effective date (the Huawei parent entry: 84 FR
// 22961, effective 2019-05-16); one that resolves nothing stays undated
// and is treated as always listed.
func (e *Engine) listedOn(ent *clearance.Entity) string {
	d := ent.ListedOn
	if len(d) > 10 {
		d = d[:10]
	}
	for _, c := range ent.Citations {
		cite := c.Cite
		if cite == "" {
			cite = c.Text
		}
		if n, ok := e.t.resolveFR(cite); ok && (d == "" || n.Effective < d) {
			d = n.Effective
		}
	}
	return d
}

// listedAsOf is clearance.Entity.ListedAsOf with listedOn's effective date.
func (e *Engine) listedAsOf(ent *clearance.Entity, date string) bool {
	cp := *ent
	cp.ListedOn = e.listedOn(ent)
	return cp.ListedAsOf(date)
}

func listEntry(m clearance.Match) *ListEntry {
	le := &ListEntry{List: string(m.List), EntityID: m.EntityID, Name: m.Name, MatchedName: m.MatchedName, Score: round3(m.Score)}
	if m.Explanation != nil {
		le.MatchWhy = m.Explanation.Summary
	}
	if ent := m.Entity; ent != nil {
		le.Countries = ent.Countries
		le.LicenseRequirement = ent.LicenseRequirement
		le.LicensePolicy = ent.LicensePolicy
		le.ListedOn = ent.ListedOn
		le.Programs = ent.Programs
		for _, c := range ent.Citations {
			txt := c.Text
			if txt == "" {
				txt = c.Cite
			}
			if c.Date != "" && !strings.Contains(txt, c.Date) {
				txt += " [" + c.Date + "]"
			}
			le.Citations = append(le.Citations, txt)
		}
	}
	return le
}

func round3(v float64) float64 { return float64(int(v*1000+0.5)) / 1000 }

// partyReasons screens every party (and, for the Affiliates rule, every
// owner) and applies each certain hit's list consequences.
func (e *Engine) partyReasons(ctx context.Context, c *evalCtx) error {
	for _, p := range c.req.Parties {
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.ix == nil {
			c.add(e.reason("party-review", Review, fmt.Sprintf("%q was not screened: %v.", p.Name, errNotScreened)), "", p.Name)
			continue
		}
		// Many Entity List entries can match one name with the same
		// consequences (Huawei and its affiliates): apply the first, name
		// the others in its evidence.
		first := map[string]string{}
		c.also = map[string][]string{}
		var keep []clearance.Match
		hits := e.screen(p.Name)
		// Among equal scores, put the entry whose matched name is closest in
		// length to the query first: it becomes the evidence shown (the
		// Huawei parent rather than "Huawei Technologies (Australia)").
		sort.SliceStable(hits, func(i, j int) bool {
			if hits[i].Score != hits[j].Score {
				return hits[i].Score > hits[j].Score
			}
			return lenGap(hits[i].MatchedName, p.Name) < lenGap(hits[j].MatchedName, p.Name)
		})
		for _, m := range hits {
			if m.List == clearance.EL && m.Score >= e.certain && m.Entity != nil && e.listedAsOf(m.Entity, c.date) {
				k := alnum(m.Entity.LicenseRequirement) + "|" + alnum(m.Entity.LicensePolicy)
				if id, ok := first[k]; ok {
					c.also[id] = append(c.also[id], m.Entity.Name)
					continue
				}
				first[k] = m.EntityID
			} else if m.List == clearance.EL && m.Entity != nil && e.listedAsOf(m.Entity, c.date) {
				// A possible hit with the same consequences as a certain one
				// changes nothing: name it, do not ask a human about it.
				k := alnum(m.Entity.LicenseRequirement) + "|" + alnum(m.Entity.LicensePolicy)
				if id, ok := first[k]; ok {
					c.also[id] = append(c.also[id], fmt.Sprintf("%s (possible match, score %.2f)", m.Entity.Name, m.Score))
					continue
				}
			}
			keep = append(keep, m)
		}
		for _, m := range keep {
			e.applyHit(c, p, m)
		}
		e.affiliateReasons(c, p)
	}
	return nil
}

// applyHit turns one screening hit into reasons.
func (e *Engine) applyHit(c *evalCtx, p Party, m clearance.Match) {
	ent := m.Entity
	if ent == nil {
		ent, _ = e.ix.Entity(m.EntityID)
	}
	if ent == nil {
		return
	}
	m.Entity = ent
	le := listEntry(m)
	role := p.Role
	if role == "" {
		role = "party"
	}
	if !e.listedAsOf(ent, c.date) {
		r := e.reason(ruleForList(m.List), Info, fmt.Sprintf("%q matches %s entry %q, but the entry was in force only from %s (not on %s): it does not apply to this date.", p.Name, m.List, ent.Name, firstNonEmpty(e.listedOn(ent), "?"), c.date))
		if ent.EndDate != "" && c.date > ent.EndDate {
			r.Detail = fmt.Sprintf("%q matches %s entry %q, which expired on %s: it does not apply on %s.", p.Name, m.List, ent.Name, ent.EndDate, c.date)
		}
		r.Evidence.Entry = le
		c.add(r, "", p.Name)
		return
	}
	if id := ruleForList(m.List); id != "other-list" && id != "sdn-blocked" && !e.ruleInForce(id, c.date) {
		m := e.t.rules[id]
		r := e.reason(id, Info, fmt.Sprintf("%q matches %q, but the rule that gives the %s its effect (%s) took effect on %s, after %s.", p.Name, ent.Name, listName(ent.List), m.CFR[0], m.From, c.date))
		r.Evidence.Entry = le
		c.add(r, "", p.Name)
		return
	}
	if !consequenceLists[m.List] {
		r := e.reason("other-list", Info, fmt.Sprintf("%q matches %q on the %s (score %.2f): no EAR license consequence by itself; read the entry.", p.Name, ent.Name, listName(m.List), m.Score))
		r.Evidence.Entry = le
		c.add(r, "", p.Name)
		return
	}
	if m.Score < e.certain {
		r := e.reason("party-review", Review, fmt.Sprintf("%q (%s) possibly matches %q on the %s (score %.2f, certainty needs %.2f): a human must decide whether it is the listed party before shipping.%s", p.Name, role, ent.Name, listName(m.List), m.Score, e.certain, ifConfirmed(m.List)))
		r.Evidence.Entry = le
		c.add(r, "", p.Name)
		return
	}
	switch m.List {
	case clearance.EL:
		for i, item := range c.items {
			e.entityListReason(c, p, item, c.req.Items[i].Description, ent, le)
		}
	case clearance.DPL:
		r := e.reason("denied-person", Prohibited, fmt.Sprintf("%q is a denied person (%q): no one may participate in any transaction involving items subject to the EAR with them (GP4).", p.Name, ent.Name))
		r.Evidence.Entry = le
		r.LicenseExceptions = &LicenseExceptions{Excluded: true, Why: "15 CFR 764.3(a)(2): a denial order bars every exception"}
		if ent.StandardOrder != "" {
			r.Evidence.Note = "Standard order: " + ent.StandardOrder
		}
		c.add(r, "", p.Name)
	case clearance.UVL:
		r := e.reason("unverified-list", Review, fmt.Sprintf("%q is on the Unverified List (%q): no license exception may be used (§ 740.2(a)(17)); before an NLR shipment obtain and keep a signed UVL statement (§ 744.15(b)); file EEI in AES whatever the value (§ 758.1(b)(8)).", p.Name, ent.Name))
		r.Evidence.Entry = le
		r.LicenseExceptions = &LicenseExceptions{Excluded: true, Why: "15 CFR 740.2(a)(17): Unverified List party"}
		c.add(r, "", p.Name)
	case clearance.MEU:
		e.meuReasons(c, p, ent, le)
	case clearance.MIEU:
		for _, item := range c.items {
			r := e.reason("military-intelligence", LicenseRequired, fmt.Sprintf("%q is a named military-intelligence end user (%q): a license is required for any item subject to the EAR (§ 744.22(a)).", p.Name, ent.Name))
			r.Evidence.Entry = le
			c.add(r, item.String(), p.Name)
		}
	case clearance.SDN:
		e.sdnReasons(c, p, ent, le)
	default: // FSE, ISN, UN: measures vary by entry
		r := e.reason("other-list", Review, fmt.Sprintf("%q matches %q on the %s: the measures depend on the entry (e.g. OFAC prohibitions, § 744.19 mandatory denials); a human must read it.", p.Name, ent.Name, listName(m.List)))
		r.Evidence.Entry = le
		c.add(r, "", p.Name)
	}
}

// entityListReason applies one Entity List entry to one item: the entry's
// own scope and carve-outs, its review policy for that item, its FDP
// footnotes, and no license exceptions (§ 744.16(b)).
func (e *Engine) entityListReason(c *evalCtx, p Party, item ECCN, desc string, ent *clearance.Entity, le *ListEntry) {
	it := item.String()
	co, present, applies := e.t.carveOutFor(ent.LicenseRequirement, item, desc)
	if present && applies {
		r := e.reason("entity-list-carve-out", NLR, fmt.Sprintf("%s to %q: the entry's license requirement excludes this item (%s). Any other item needs a license.", it, ent.Name, co.Note))
		r.Evidence.Entry = le
		c.add(r, it, p.Name)
		return
	}
	out := LicenseRequired
	detail := fmt.Sprintf("%q is on the Entity List as %q: %q — a license is required for %s, and no license exception may be used (§ 744.16(b)).", p.Name, ent.Name, strings.TrimSpace(ent.LicenseRequirement), it)
	switch parseELScope(ent.LicenseRequirement) {
	case elProjects:
		out = Review
		detail = fmt.Sprintf("%q is on the Entity List as %q: the license requirement covers items used in the projects of § 746.8(a)(4) (%q): establish the project before shipping.", p.Name, ent.Name, ent.LicenseRequirement)
	case elCCLAndSupp7:
		if item.IsEAR99() {
			out = Review
			detail = fmt.Sprintf("%q is on the Entity List as %q for CCL items and EAR99 items in Supp. No. 7 to Part 746: check whether this EAR99 item's HTS code is in Supp. No. 7.", p.Name, ent.Name)
		}
	case elUnrecognised:
		out = Review
		detail = fmt.Sprintf("%q is on the Entity List as %q with a license requirement the engine does not read: %q. A human must apply it.", p.Name, ent.Name, ent.LicenseRequirement)
	}
	r := e.reason("entity-list", out, detail)
	r.Evidence.Entry = le
	r.ReviewPolicy = policyFor(ent.LicensePolicy, item, desc)
	r.LicenseExceptions = &LicenseExceptions{Excluded: true, Why: "15 CFR 744.16(b): no license exceptions for Entity List parties unless the entry authorizes one"}
	if govOvercomes(ent.LicenseRequirement) {
		r.LicenseExceptions = &LicenseExceptions{Why: "The entry allows License Exception GOV (15 CFR 740.11(b)(2) and (e)); no other exception (§ 744.16(b))",
			Candidates: []ExceptionCandidate{{Symbol: "GOV", Section: e.t.exceptions["GOV"].Section, Why: "named in the entry"}}}
	}
	for _, fn := range elFootnotes(ent.LicenseRequirement) {
		r.Evidence.Footnotes = append(r.Evidence.Footnotes, fmt.Sprintf("%d: %s", fn, e.t.elFootnotes[fn]))
	}
	r.Cite.FR = e.entryFR(ent)
	var notes []string
	if present {
		notes = append(notes, "The entry carves out a class of items; this item is not shown to be in it: "+co.Note)
	}
	if also := c.also[ent.ID]; len(also) > 0 {
		notes = append(notes, fmt.Sprintf("The name also matches %d other Entity List entries with the same requirement and policy: %s", len(also), strings.Join(also, "; ")))
	}
	r.Evidence.Note = strings.Join(notes, " ")
	c.add(r, it, p.Name)
}

// entryFR lists the entry's Federal Register citations, each resolved to the
// rule notice it belongs to where the notice table knows it: the eCFR cites
// the page of the entry ("84 FR 54004"), the CSL the rule ("84 FR 54002").
func (e *Engine) entryFR(ent *clearance.Entity) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range ent.Citations {
		cite := c.Cite
		if cite == "" {
			cite = c.Text
		}
		s := e.describeFR(cite)
		if c.Text != "" && c.Text != cite {
			s += "; as listed: " + c.Text
		}
		if c.Date != "" {
			s += "; dated " + c.Date
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// meuReasons applies § 744.21(b): a Military End-User List party needs a
// license for Supp. No. 2 items; for Russia and Belarus, for all items.
func (e *Engine) meuReasons(c *evalCtx, p Party, ent *clearance.Entity, le *ListEntry) {
	allItems := c.dest.rowISO() == "RU" || c.dest.rowISO() == "BY"
	for _, cc := range ent.Countries {
		if cc == "RU" || cc == "BY" {
			allItems = true
		}
	}
	for _, item := range c.items {
		it := item.String()
		switch {
		case allItems:
			r := e.reason("meu-list", LicenseRequired, fmt.Sprintf("%q is on the Military End-User List (%q), Russia/Belarus: a license is required for any item subject to the EAR (§ 744.21(a)(2), (b)).", p.Name, ent.Name))
			r.ReviewPolicy = "Policy of denial (15 CFR 744.21(e)(2))"
			r.Evidence.Entry = le
			c.add(r, it, p.Name)
		case !item.IsEAR99() && e.t.supp2[item.Base]:
			r := e.reason("meu-list", LicenseRequired, fmt.Sprintf("%q is on the Military End-User List (%q) and %s is in Supp. No. 2 to Part 744: license required (§ 744.21(b)).", p.Name, ent.Name, it))
			r.Evidence.Entry = le
			c.add(r, it, p.Name)
		default:
			r := e.reason("meu-list", NLR, fmt.Sprintf("%q is on the Military End-User List (%q), but %s is not in Supp. No. 2 to Part 744: § 744.21(b) does not reach it.", p.Name, ent.Name, it))
			r.Evidence.Entry = le
			c.add(r, it, p.Name)
		}
	}
}

// sdnPrograms744 returns the entry's programs that § 744.8 covers on date.
func (e *Engine) sdnPrograms744(ent *clearance.Entity, date string) []string {
	var out []string
	for _, pg := range ent.Programs {
		k := strings.Trim(strings.ToUpper(strings.TrimSpace(pg)), "[]")
		if eff, ok := e.t.sdnPrograms[k]; ok && date >= eff {
			out = append(out, k)
		}
	}
	return out
}

// sdnReasons applies § 744.8 (EAR license for SDNs of the listed programs)
// and always warns of OFAC blocking, which is not an EAR matter but stops
// U.S. persons dealing with the party.
func (e *Engine) sdnReasons(c *evalCtx, p Party, ent *clearance.Entity, le *ListEntry) {
	progs := e.sdnPrograms744(ent, c.date)
	if len(progs) > 0 {
		for _, item := range c.items {
			r := e.reason("sdn-744.8", LicenseRequired, fmt.Sprintf("%q is an SDN (%q) designated under %s: a license is required for any item subject to the EAR unless OFAC authorized the transaction (§ 744.8(a)).", p.Name, ent.Name, strings.Join(progs, ", ")))
			r.Evidence.Entry = le
			c.add(r, item.String(), p.Name)
		}
	}
	r := e.reason("sdn-blocked", Review, fmt.Sprintf("%q is an OFAC Specially Designated National (%q, programs %s): its property is blocked and U.S. persons may not deal with it without OFAC authorization.", p.Name, ent.Name, strings.Join(ent.Programs, ", ")))
	r.Evidence.Entry = le
	c.add(r, "", p.Name)
}

// ifConfirmed says what a confirmed hit on list l would mean.
func ifConfirmed(l clearance.ListCode) string {
	switch l {
	case clearance.EL:
		return " If it is, the entry's license requirement and review policy (shown) apply and no license exception may be used (§ 744.16(b))."
	case clearance.DPL:
		return " If it is, the transaction is prohibited (GP4)."
	case clearance.UVL:
		return " If it is, no license exception may be used and a UVL statement is needed before shipping (§ 744.15)."
	case clearance.MEU:
		return " If it is, Supp. No. 2 items need a license (§ 744.21(b))."
	case clearance.MIEU:
		return " If it is, every item needs a license (§ 744.22)."
	case clearance.SDN:
		return " If it is, its property is blocked (OFAC) and § 744.8 may require an EAR license."
	}
	return ""
}

func ruleForList(l clearance.ListCode) string {
	switch l {
	case clearance.EL:
		return "entity-list"
	case clearance.DPL:
		return "denied-person"
	case clearance.UVL:
		return "unverified-list"
	case clearance.MEU:
		return "meu-list"
	case clearance.MIEU:
		return "military-intelligence"
	case clearance.SDN:
		return "sdn-blocked"
	}
	return "other-list"
}

func listName(l clearance.ListCode) string {
	if m, ok := l.Meta(); ok {
		return m.Name + " (" + string(l) + ")"
	}
	return string(l)
}

// alnum keeps the lower-cased letters and digits of s, so entry texts that
// differ only in spacing, case and punctuation compare equal.
func alnum(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func lenGap(a, b string) int {
	d := len(a) - len(b)
	if d < 0 {
		return -d
	}
	return d
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
