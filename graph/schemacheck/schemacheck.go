// Package schemacheck keeps the GraphQL contract deliberate: it writes the
// schema the server serves in a stable form, to be committed as the
// snapshot client teams code against, and names every change from an older
// snapshot that would break a client written against it.
//
// A change breaks a client when a query, a variable or a response that was
// valid before is no longer, or reads differently: a type, field,
// argument, input field, enum value, union member or interface removed; a
// field's type changed so that the client may receive something it did not
// expect (another type, or null where it relied on a value); an argument's
// or input field's type changed so that what the client sends is refused;
// or a new argument or input field the client does not send made required.
// Additions are never breaking, and neither is making an output stricter
// (T to T!) or an input looser (T! to T).
package schemacheck

import (
	"bytes"
	"fmt"
	"slices"
	"sort"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// Format writes a schema as the snapshot keeps it: the types a client can
// use (built-ins left out), with their descriptions.
func Format(s *ast.Schema) string {
	var b bytes.Buffer
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(s)
	return b.String()
}

// Breaking lists, sorted, the changes from old to cur that break a client
// written against old, one line each, as they are to be named in
// CHANGELOG.md.
func Breaking(old, cur *ast.Schema) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for name, o := range old.Types {
		if o.BuiltIn {
			continue
		}
		c := cur.Types[name]
		switch {
		case c == nil:
			add("%s: type removed", name)
			continue
		case c.Kind != o.Kind:
			add("%s: kind changed from %s to %s", name, o.Kind, c.Kind)
			continue
		}
		switch o.Kind {
		case ast.Object, ast.Interface:
			for _, of := range o.Fields {
				cf := c.Fields.ForName(of.Name)
				if cf == nil {
					add("%s.%s: field removed", name, of.Name)
					continue
				}
				if !outputCompatible(of.Type, cf.Type) {
					add("%s.%s: type changed from %s to %s", name, of.Name, of.Type, cf.Type)
				}
				for _, oa := range of.Arguments {
					ca := cf.Arguments.ForName(oa.Name)
					if ca == nil {
						add("%s.%s(%s:): argument removed", name, of.Name, oa.Name)
					} else if !inputCompatible(oa.Type, ca.Type) {
						add("%s.%s(%s:): type changed from %s to %s", name, of.Name, oa.Name, oa.Type, ca.Type)
					}
				}
				for _, ca := range cf.Arguments {
					if of.Arguments.ForName(ca.Name) == nil && required(ca.Type, ca.DefaultValue) {
						add("%s.%s(%s:): required argument added", name, of.Name, ca.Name)
					}
				}
			}
			for _, i := range o.Interfaces {
				if !slices.Contains(c.Interfaces, i) {
					add("%s: no longer implements %s", name, i)
				}
			}
		case ast.InputObject:
			for _, of := range o.Fields {
				cf := c.Fields.ForName(of.Name)
				if cf == nil {
					add("%s.%s: input field removed", name, of.Name)
				} else if !inputCompatible(of.Type, cf.Type) {
					add("%s.%s: type changed from %s to %s", name, of.Name, of.Type, cf.Type)
				}
			}
			for _, cf := range c.Fields {
				if o.Fields.ForName(cf.Name) == nil && required(cf.Type, cf.DefaultValue) {
					add("%s.%s: required input field added", name, cf.Name)
				}
			}
		case ast.Enum:
			for _, v := range o.EnumValues {
				if c.EnumValues.ForName(v.Name) == nil {
					add("%s.%s: enum value removed", name, v.Name)
				}
			}
		case ast.Union:
			for _, m := range o.Types {
				if !slices.Contains(c.Types, m) {
					add("%s: union member %s removed", name, m)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// outputCompatible reports whether a client reading a field of type old
// reads one of type cur as before: the same named type and list shape,
// non-null kept (and possibly added).
func outputCompatible(old, cur *ast.Type) bool {
	if old.NonNull && !cur.NonNull {
		return false
	}
	if (old.Elem == nil) != (cur.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return outputCompatible(old.Elem, cur.Elem)
	}
	return old.NamedType == cur.NamedType
}

// inputCompatible reports whether what a client sent as type old is still
// accepted as type cur: the same named type and list shape, non-null kept
// (and possibly dropped).
func inputCompatible(old, cur *ast.Type) bool {
	if !old.NonNull && cur.NonNull {
		return false
	}
	if (old.Elem == nil) != (cur.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return inputCompatible(old.Elem, cur.Elem)
	}
	return old.NamedType == cur.NamedType
}

// required reports whether an argument or input field must be sent.
func required(t *ast.Type, def *ast.Value) bool { return t.NonNull && def == nil }
