package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/ear"
)

// Party roles and end-user types offered by the check form. They are the
// batch contract's values (issue 4); the engine validates them.
var (
	partyRoles   = []string{"end_user", "ultimate_consignee", "intermediate_consignee", "purchaser"}
	endUserTypes = []string{"civil", "military", "military_intelligence", "police"}
	regions      = []string{"crimea", "dnr", "lnr"}
)

// checkForm is the form as typed, so it can be shown again with the verdict
// or an error.
type checkForm struct {
	Reference, ECCNs, Destination, Region, EndUserType, Value, Date string
	Parties                                                         []partyForm
}

type partyForm struct {
	Name, Role, Owners string
}

type checkData struct {
	Form         checkForm
	Roles        []string
	EndUserTypes []string
	Regions      []string
	Result       *app.CheckResponse
	Reasons      []reasonView
}

// minPartyRows is how many party rows the form shows without JavaScript.
const minPartyRows = 3

func (c *Console) checkPage(w http.ResponseWriter, r *http.Request) {
	f := checkForm{}
	// A prefilled form from a link, e.g. from a screening result:
	// /check?party=Hikvision&destination=CN
	if p := strings.TrimSpace(r.URL.Query().Get("party")); p != "" {
		f.Parties = append(f.Parties, partyForm{Name: p, Role: "end_user"})
	}
	f.Destination = strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("destination")))
	c.showCheck(w, r, http.StatusOK, f, nil, "")
}

func (c *Console) showCheck(w http.ResponseWriter, r *http.Request, status int, f checkForm, res *app.CheckResponse, errMsg string) {
	for len(f.Parties) < minPartyRows {
		f.Parties = append(f.Parties, partyForm{})
	}
	d := checkData{Form: f, Roles: partyRoles, EndUserTypes: endUserTypes, Regions: regions, Result: res}
	if res != nil {
		d.Reasons = reasonViews(res.Reasons)
	}
	c.render(w, r, status, "check", view{Title: "Check a shipment", Nav: "check", Error: errMsg, Data: d})
}

func (c *Console) checkSubmit(w http.ResponseWriter, r *http.Request) {
	f := readCheckForm(r)
	req, err := f.request()
	if err != nil {
		c.showCheck(w, r, http.StatusBadRequest, f, nil, err.Error())
		return
	}
	res, err := c.cfg.Service.Check(r.Context(), actor(r), req)
	if err != nil {
		if errors.Is(err, app.ErrInvalid) {
			c.showCheck(w, r, http.StatusBadRequest, f, nil, userMessage(err))
			return
		}
		c.serviceError(w, r, "license determination", err)
		return
	}
	c.showCheck(w, r, http.StatusOK, f, &res, "")
}

func readCheckForm(r *http.Request) checkForm {
	g := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := checkForm{Reference: g("reference"), ECCNs: g("eccns"), Destination: strings.ToUpper(g("destination")),
		Region: g("region"), EndUserType: g("end_user_type"), Value: g("value_usd"), Date: g("date")}
	// Party rows are party_name_0, party_role_0, party_owners_0, …; rows
	// added by the script continue the numbering, so read until a gap.
	for i := 0; i < 100; i++ {
		n := strconv.Itoa(i)
		if _, ok := r.PostForm["party_name_"+n]; !ok {
			break
		}
		p := partyForm{Name: g("party_name_" + n), Role: g("party_role_" + n), Owners: strings.TrimSpace(r.PostFormValue("party_owners_" + n))}
		if p.Name != "" || p.Owners != "" {
			f.Parties = append(f.Parties, p)
		}
	}
	return f
}

// request turns the form into the API's request; errors name the field as
// the analyst sees it.
func (f checkForm) request() (app.CheckRequest, error) {
	req := app.CheckRequest{Destination: f.Destination, Region: f.Region, EndUserType: f.EndUserType, Date: f.Date, Reference: f.Reference}
	for _, line := range strings.FieldsFunc(f.ECCNs, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		if e := strings.TrimSpace(line); e != "" {
			req.Items = append(req.Items, app.CheckItem{ECCN: e})
		}
	}
	if len(req.Items) == 0 {
		return req, errors.New("Items: enter at least one ECCN (such as 5A992.c) or EAR99")
	}
	if f.Value != "" {
		v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimPrefix(f.Value, "$"), ",", ""), 64)
		if err != nil || !(v >= 0) || math.IsInf(v, 0) {
			return req, fmt.Errorf("Value: %q is not an amount in US dollars", f.Value)
		}
		req.ValueUSD = &v
	}
	for i, p := range f.Parties {
		if p.Name == "" {
			return req, fmt.Errorf("Party %d: the owners are given but the party's name is empty", i+1)
		}
		cp := app.CheckParty{Name: p.Name, Role: p.Role}
		for _, line := range strings.Split(p.Owners, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			// "Name=60" or "Name = 60%": the owner and its share; "Name"
			// alone: an owner whose share is not known.
			name, share, ok := strings.Cut(line, "=")
			o := app.CheckOwner{Name: strings.TrimSpace(name)}
			if ok {
				pc, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(share), "%"), 64)
				if err != nil || !(pc >= 0 && pc <= 100) {
					return req, fmt.Errorf("Party %d owners: %q is not a percentage from 0 to 100", i+1, strings.TrimSpace(share))
				}
				o.Percent = &pc
			}
			if o.Name == "" {
				return req, fmt.Errorf("Party %d owners: write each owner as Name=percent (or Name alone when the share is unknown), got %q", i+1, line)
			}
			cp.Owners = append(cp.Owners, o)
		}
		req.Parties = append(req.Parties, cp)
	}
	return req, nil
}

// reasonView is one reason of a determination for display: the engine's
// reason (ear.Reason, which app passes on as raw JSON) or, if a reason does
// not decode as one, its JSON text, so nothing the engine says is hidden.
type reasonView struct {
	ear.Reason
	Raw string
}

func reasonViews(raw []json.RawMessage) []reasonView {
	out := make([]reasonView, 0, len(raw))
	for _, m := range raw {
		var v reasonView
		if err := json.Unmarshal(m, &v.Reason); err != nil || (v.Title == "" && v.Rule == "") {
			v = reasonView{Raw: string(m)}
		}
		out = append(out, v)
	}
	// The reasons that decide come first: what prohibits, then what needs a
	// license, then what needs a person; explanations last. Within a rank
	// the engine's order is kept.
	sort.SliceStable(out, func(i, j int) bool { return outcomeRank(out[i].Outcome) < outcomeRank(out[j].Outcome) })
	return out
}

func outcomeRank(o ear.Outcome) int {
	switch o {
	case ear.Prohibited:
		return 0
	case ear.LicenseRequired:
		return 1
	case ear.Review:
		return 2
	case ear.NLR:
		return 3
	}
	return 4
}

// humanKey turns "review_policy" into "Review policy".
func humanKey(k string) string {
	k = strings.ReplaceAll(k, "_", " ")
	if k == "" {
		return k
	}
	return strings.ToUpper(k[:1]) + k[1:]
}
