package viewer

import (
	"reflect"
	"testing"
)

// TestKeySeesEveryField sets each field of a Viewer in turn, as the type
// declares them, and wants a key of its own for each: a field added to
// Viewer and not written by Key fails here, before a cache keyed by it
// (ent/plan.go) could serve one viewer what was worked out for another.
func TestKeySeesEveryField(t *testing.T) {
	seen := map[string]string{(&Viewer{}).Key(): "the zero viewer"}
	typ := reflect.TypeFor[Viewer]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		for _, variant := range []int{1, 2} {
			var v Viewer
			if !set(t, reflect.ValueOf(&v).Elem().Field(i), variant) {
				continue
			}
			k := v.Key()
			name := f.Name + " variant " + string(rune('0'+variant))
			if other, dup := seen[k]; dup {
				t.Errorf("%s has the key of %s: %q", name, other, k)
			}
			seen[k] = name
		}
	}
	// Text is quoted: no two fields' texts run into each other.
	a := Viewer{Username: `a" "b`}
	b := Viewer{Username: "a", Role: "b"}
	if a.Key() == b.Key() {
		t.Errorf("%+v and %+v share the key %q", a, b, a.Key())
	}
	if (*Viewer)(nil).Key() == (&Viewer{}).Key() {
		t.Error("no viewer has the zero viewer's key")
	}
}

// set gives f a value of its kind that differs for each variant; false for
// a variant the kind has no value for.
func set(t *testing.T, f reflect.Value, variant int) bool {
	t.Helper()
	switch f.Kind() {
	case reflect.Int:
		f.SetInt(int64(variant))
	case reflect.String:
		f.SetString(string(rune('a' + variant)))
	case reflect.Bool:
		if variant == 2 {
			return false // a bool has one value besides its zero
		}
		f.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(f.Type(), variant, variant)
		for j := range variant {
			set(t, s.Index(j), 1)
		}
		f.Set(s)
	default:
		t.Fatalf("Key's test cannot set a field of kind %s: teach it, and Key", f.Kind())
	}
	return true
}
