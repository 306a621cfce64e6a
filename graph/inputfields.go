package graph

import "slices"

// inputFieldsInOrder lists the fields an input object was given, in the
// order of its type's fields, which is the order gqlgen decodes them in
// (its errors name the first bad field in that order). The generated
// executor calls it (see gqlgen.go) instead of looking every field of the
// type up in the input: a where-input has over a hundred fields, of which a
// client gives one or two, and the lookups were most of the cost of decoding
// it, twice a request (for entgql's eager loading and for the resolver).
// Fields not of the type are left out, as before; validation refused them.
func inputFieldsInOrder(in map[string]any, order []string) []string {
	if len(in) == 0 {
		return nil
	}
	names := make([]string, 0, len(in))
	for k := range in {
		if slices.Contains(order, k) {
			names = append(names, k)
		}
	}
	if len(names) > 1 {
		slices.SortFunc(names, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
	}
	return names
}
