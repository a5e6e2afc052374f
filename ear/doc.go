// Package ear determines whether an export needs a license under the Export
// Administration Regulations (15 CFR parts 730-774) and says why: every
// reason carries its rule, CFR section, Federal Register notice, evidence
// (chart columns, list entries verbatim), review policy and the license
// exceptions that may apply or are excluded.
//
// The regulation tables (Commerce Country Chart, Country Groups, Commerce
// Control List license requirements, Part 744 end-use lists, rule dates,
// the Affiliates-rule windows) are embedded data files in data/, each with
// its provenance in data/SOURCE.txt. A new Federal Register notice is a data
// edit, not a code change, wherever the rule's shape stays the same.
//
// Requirements are evaluated cumulatively and never short-circuited
// (15 CFR 738.4(a)(2)(ii)(B), 736.2(b)): the decision is the most severe
// outcome among all reasons, PROHIBITED > LICENSE_REQUIRED > REVIEW > NLR.
package ear
