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
	type at struct {
		i    int
		name string
	}
	found := make([]at, 0, len(in))
	for k := range in {
		if i := slices.Index(order, k); i >= 0 {
			found = append(found, at{i, k})
		}
	}
	slices.SortFunc(found, func(a, b at) int { return a.i - b.i })
	names := make([]string, len(found))
	for i, f := range found {
		names[i] = f.name
	}
	return names
}
