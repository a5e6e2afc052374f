// Package lists holds what every official-list reader shares: the stable
// entity id scheme (StableID), entity-type inference for sources that leave
// the type empty (InferType), and country names to ISO-2 codes
// (CountryCode). The readers themselves live in one sub-package per source:
// lists/csl, lists/ofac, lists/dpl and lists/un. See docs/lists.md.
package lists
