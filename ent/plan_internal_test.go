package ent

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"entgo.io/ent/dialect/sql"
)

// clonePlans copies a query of each type with its clonePlan; the test
// below checks it names every type the client queries.
var clonePlans = map[string]func(any, config) (any, bool){
	"AdminUnitQuery":        func(q any, cfg config) (any, bool) { return q.(*AdminUnitQuery).clonePlan(cfg) },
	"AuditLogQuery":         func(q any, cfg config) (any, bool) { return q.(*AuditLogQuery).clonePlan(cfg) },
	"CampaignQuery":         func(q any, cfg config) (any, bool) { return q.(*CampaignQuery).clonePlan(cfg) },
	"ChangeQuery":           func(q any, cfg config) (any, bool) { return q.(*ChangeQuery).clonePlan(cfg) },
	"CitizenClaimQuery":     func(q any, cfg config) (any, bool) { return q.(*CitizenClaimQuery).clonePlan(cfg) },
	"CriteriaSetQuery":      func(q any, cfg config) (any, bool) { return q.(*CriteriaSetQuery).clonePlan(cfg) },
	"DecisionQuery":         func(q any, cfg config) (any, bool) { return q.(*DecisionQuery).clonePlan(cfg) },
	"EvaluationQuery":       func(q any, cfg config) (any, bool) { return q.(*EvaluationQuery).clonePlan(cfg) },
	"EvidenceBlobQuery":     func(q any, cfg config) (any, bool) { return q.(*EvidenceBlobQuery).clonePlan(cfg) },
	"EvidenceFileQuery":     func(q any, cfg config) (any, bool) { return q.(*EvidenceFileQuery).clonePlan(cfg) },
	"ImportChunkQuery":      func(q any, cfg config) (any, bool) { return q.(*ImportChunkQuery).clonePlan(cfg) },
	"ImportJobQuery":        func(q any, cfg config) (any, bool) { return q.(*ImportJobQuery).clonePlan(cfg) },
	"InvitationQuery":       func(q any, cfg config) (any, bool) { return q.(*InvitationQuery).clonePlan(cfg) },
	"LearningActivityQuery": func(q any, cfg config) (any, bool) { return q.(*LearningActivityQuery).clonePlan(cfg) },
	"LearningUnitQuery":     func(q any, cfg config) (any, bool) { return q.(*LearningUnitQuery).clonePlan(cfg) },
	"LoginAttemptQuery":     func(q any, cfg config) (any, bool) { return q.(*LoginAttemptQuery).clonePlan(cfg) },
	"NationalTargetQuery":   func(q any, cfg config) (any, bool) { return q.(*NationalTargetQuery).clonePlan(cfg) },
	"ProgressCounterQuery":  func(q any, cfg config) (any, bool) { return q.(*ProgressCounterQuery).clonePlan(cfg) },
	"RefreshTokenQuery":     func(q any, cfg config) (any, bool) { return q.(*RefreshTokenQuery).clonePlan(cfg) },
	"RegistrationQuery":     func(q any, cfg config) (any, bool) { return q.(*RegistrationQuery).clonePlan(cfg) },
	"ReorganisationQuery":   func(q any, cfg config) (any, bool) { return q.(*ReorganisationQuery).clonePlan(cfg) },
	"SearchKeyQuery":        func(q any, cfg config) (any, bool) { return q.(*SearchKeyQuery).clonePlan(cfg) },
	"SessionQuery":          func(q any, cfg config) (any, bool) { return q.(*SessionQuery).clonePlan(cfg) },
	"SettingQuery":          func(q any, cfg config) (any, bool) { return q.(*SettingQuery).clonePlan(cfg) },
	"TargetQuery":           func(q any, cfg config) (any, bool) { return q.(*TargetQuery).clonePlan(cfg) },
	"UserQuery":             func(q any, cfg config) (any, bool) { return q.(*UserQuery).clonePlan(cfg) },
}

// TestClonePlanCopiesEveryField fills every field of every query type, as
// the types declare them, and wants clonePlan's copy to hold the same and to
// share nothing that running the copy changes: no slice, map, query context
// or edge query; and to be, all the way down, for the client it was given
// (a plan made on one client's driver runs on the requester's). A field
// added to the query types (by ent, entgql or a template of ours) that
// clonePlan does not copy fails here, before a plan (plan.go) could lose it
// or share it between requests.
func TestClonePlanCopiesEveryField(t *testing.T) {
	client := NewClient()
	cv := reflect.ValueOf(client).Elem()
	var types []reflect.Type
	for i := range cv.NumField() {
		f := cv.Field(i)
		if f.Kind() != reflect.Pointer || !strings.HasSuffix(f.Type().Elem().Name(), "Client") {
			continue
		}
		if m := f.MethodByName("Query"); m.IsValid() {
			types = append(types, m.Type().Out(0).Elem())
		}
	}
	if len(types) != len(clonePlans) {
		t.Fatalf("the client queries %d types, clonePlans names %d: name each", len(types), len(clonePlans))
	}
	for _, typ := range types {
		t.Run(typ.Name(), func(t *testing.T) {
			clone := clonePlans[typ.Name()]
			if clone == nil {
				t.Fatalf("clonePlans does not name %s", typ.Name())
			}
			orig := fill(t, typ, 2)
			cfg := config{hooks: &hooks{}, inters: &inters{}}
			c, ok := clone(orig.Interface(), cfg)
			if !ok {
				t.Fatal("clonePlan refused a query with no count, traversal or selector")
			}
			same(t, typ.Name(), orig.Elem(), reflect.ValueOf(c).Elem(), reflect.ValueOf(cfg.hooks).Pointer())
		})
	}
}

// TestClonePlanRefuses wants no copy of a query that counts a connection
// (its loadTotal closures hold queries they narrow as they run), or that is
// a step of a traversal, wherever in the tree of edges it is.
func TestClonePlanRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		set  func(q *LearningUnitQuery)
	}{
		{"a count", func(q *LearningUnitQuery) { q.loadTotal = append(q.loadTotal, nil) }},
		{"a count in a named edge", func(q *LearningUnitQuery) {
			q.WithNamedRegistrations("r", func(r *RegistrationQuery) { r.loadTotal = append(r.loadTotal, nil) })
		}},
		{"a count in an edge", func(q *LearningUnitQuery) {
			q.WithAdminUnit(func(a *AdminUnitQuery) { a.loadTotal = append(a.loadTotal, nil) })
		}},
		{"a traversal's selector", func(q *LearningUnitQuery) { q.sql = sql.Select() }},
		{"a traversal's path", func(q *LearningUnitQuery) { q.path = NewClient().AdminUnit.Query().QueryLearningUnits().path }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := NewClient().LearningUnit.Query()
			tt.set(q)
			if c, ok := q.clonePlan(q.config); ok || c != nil {
				t.Errorf("clonePlan = %v, %v; want nil, false", c, ok)
			}
		})
	}
}

// fill makes a query of type typ (a *Query struct) with every field set:
// its edges' queries filled down to depth, each named edge once.
func fill(t *testing.T, typ reflect.Type, depth int) reflect.Value {
	t.Helper()
	q := reflect.New(typ)
	for i := range typ.NumField() {
		sf := typ.Field(i)
		f := reflect.NewAt(sf.Type, unsafe.Pointer(q.Elem().Field(i).UnsafeAddr())).Elem()
		switch {
		case sf.Name == "sql" || sf.Name == "path" || sf.Name == "loadTotal":
			// What clonePlan refuses (TestClonePlanRefuses).
		case sf.Name == "config":
			f.Set(reflect.ValueOf(config{hooks: &hooks{}, inters: &inters{}}))
		case sf.Name == "ctx":
			limit := 3
			f.Set(reflect.ValueOf(&QueryContext{Type: typ.Name(), Fields: []string{"id"}, Limit: &limit}))
		case isQuery(sf.Type):
			if depth > 0 {
				f.Set(fill(t, sf.Type.Elem(), depth-1))
			}
		case sf.Type.Kind() == reflect.Map && isQuery(sf.Type.Elem()):
			if depth > 0 {
				m := reflect.MakeMap(sf.Type)
				m.SetMapIndex(reflect.ValueOf("alias"), fill(t, sf.Type.Elem().Elem(), depth-1))
				f.Set(m)
			}
		case sf.Type.Kind() == reflect.Slice:
			s := reflect.MakeSlice(sf.Type, 1, 1)
			if e := sf.Type.Elem(); e.Kind() == reflect.Func {
				s.Index(0).Set(reflect.MakeFunc(e, func([]reflect.Value) []reflect.Value { return nil }))
			}
			f.Set(s)
		case sf.Type.Kind() == reflect.Bool:
			f.SetBool(true)
		default:
			t.Fatalf("%s.%s (%s): the test cannot fill it; teach it, and clonePlan", typ.Name(), sf.Name, sf.Type)
		}
	}
	return q
}

func isQuery(t reflect.Type) bool {
	return t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && strings.HasSuffix(t.Elem().Name(), "Query")
}

// same reports where the copy c of query o differs from it, or shares
// what a statement's preparation changes, or is not for the client whose
// hooks are at hooks.
func same(t *testing.T, path string, o, c reflect.Value, hooks uintptr) {
	t.Helper()
	for i := range o.NumField() {
		name := o.Type().Field(i).Name
		of, cf := o.Field(i), c.Field(i)
		at := path + "." + name
		switch {
		case name == "sql" || name == "path" || name == "loadTotal":
		case name == "config":
			if cf.FieldByName("hooks").Pointer() != hooks {
				t.Errorf("%s: not the config clonePlan was given", at)
			}
		case name == "ctx":
			if of.Pointer() == cf.Pointer() || cf.IsNil() {
				t.Errorf("%s: shared or lost", at)
			} else if of, cf := of.Elem().FieldByName("Fields"), cf.Elem().FieldByName("Fields"); of.Len() != cf.Len() || of.Index(0).String() != cf.Index(0).String() ||
				c.Field(i).Elem().FieldByName("Limit").IsNil() {
				t.Errorf("%s: not the same", at)
			}
		case isQuery(of.Type()):
			if of.IsNil() != cf.IsNil() {
				t.Errorf("%s: lost", at)
			} else if !of.IsNil() {
				if of.Pointer() == cf.Pointer() {
					t.Errorf("%s: shared", at)
				}
				same(t, at, of.Elem(), cf.Elem(), hooks)
			}
		case of.Kind() == reflect.Map:
			if of.Len() != cf.Len() || (of.Len() > 0 && of.Pointer() == cf.Pointer()) {
				t.Errorf("%s: lost or shared", at)
			}
			for _, k := range of.MapKeys() {
				if cv := cf.MapIndex(k); !cv.IsValid() || cv.Pointer() == of.MapIndex(k).Pointer() {
					t.Errorf("%s[%v]: lost or shared", at, k)
				} else {
					same(t, at+"["+k.String()+"]", of.MapIndex(k).Elem(), cv.Elem(), hooks)
				}
			}
		case of.Kind() == reflect.Slice:
			if of.Len() != cf.Len() || (of.Len() > 0 && of.Pointer() == cf.Pointer()) {
				t.Errorf("%s: lost or shared", at)
			}
		case of.Kind() == reflect.Bool:
			if of.Bool() != cf.Bool() {
				t.Errorf("%s: lost", at)
			}
		default:
			t.Errorf("%s (%s): the test cannot compare it; teach it, and clonePlan", at, of.Type())
		}
	}
}
