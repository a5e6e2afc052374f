package ofac

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	clearance "github.com/clearance-oss/clearance"
)

// programsTSV maps OFAC program tags to the non-SDN list an entry of
// cons_prim.csv is on. It is data: see the file for the format.
//
//go:embed programs.tsv
var programsTSV string

type programRule struct {
	tag    string // exact tag, or prefix when prefix is set
	prefix bool
	list   clearance.ListCode
}

var (
	programRulesOnce sync.Once
	programRules     []programRule
	programRulesErr  error
)

func parseProgramRules(text string) ([]programRule, error) {
	var rules []programRule
	for i, line := range strings.Split(text, "\n") {
		if line = strings.TrimRight(line, "\r"); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		tag, code, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("programs.tsv: line %d: want tag<TAB>list", i+1)
		}
		list, err := clearance.ListFromCSLSource(code)
		if err != nil {
			return nil, fmt.Errorf("programs.tsv: line %d: field %q: %w", i+1, "list", err)
		}
		r := programRule{tag: tag, list: list}
		if strings.HasSuffix(tag, "*") {
			r.tag, r.prefix = strings.TrimSuffix(tag, "*"), true
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// ListOf returns the non-SDN list that an entry with these program tags is
// on, by the first rule of programs.tsv that matches one of them. The
// legacy cons_prim.csv has no list column, so this is the only evidence;
// an entry that is on two non-SDN lists at once (SSI and CAPTA) is given
// the first.
func ListOf(programs []string) clearance.ListCode {
	programRulesOnce.Do(func() { programRules, programRulesErr = parseProgramRules(programsTSV) })
	if programRulesErr != nil {
		return clearance.MBS
	}
	for _, rule := range programRules {
		for _, p := range programs {
			if p == rule.tag || (rule.prefix && strings.HasPrefix(p, rule.tag)) {
				return rule.list
			}
		}
	}
	return clearance.MBS
}
