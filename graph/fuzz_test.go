package graph_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/ops"
	"hoctap/internal/viewer"
)

// FuzzRequest sends documents and variables derived from the everyday
// operations (internal/ops) as an officer: whatever the input, the answer is
// a GraphQL response with coded errors, never INTERNAL and never a 5xx.
// `go test` runs the seeds; `go test ./graph -run '^$' -fuzz FuzzRequest`
// searches further.
func FuzzRequest(f *testing.F) {
	db := dbtest.OpenSQLite(f)
	fx := fixture.Build(f, db.Client)
	a := newAPI(f, db, fx)
	var c struct {
		CreateCampaign struct{ Campaign struct{ ID string } }
	}
	r := a.as("manager", `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2021}) { campaign { id } } }`, map[string]any{"p": id(fx.P1.ID)})
	r.decode(f, &c)
	camp, village, household := c.CreateCampaign.Campaign.ID, id(fx.V1a.ID), id(fx.Households[fx.V1a.Code][0].ID)
	vars := func(v map[string]any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	for _, seed := range []struct{ query, vars string }{
		{ops.VillageHouseholds, vars(map[string]any{"v": village, "c": camp})},
		{ops.VillagePage, vars(map[string]any{"v": village})},
		{ops.OpenHousehold, vars(map[string]any{"h": household, "c": camp})},
		{ops.SearchHousehold, vars(map[string]any{"q": "nguyen van"})},
		{ops.Progress, vars(map[string]any{"c": camp, "u": village})},
		{ops.Register, vars(map[string]any{"c": camp, "u": household})},
		{ops.Evaluate, vars(map[string]any{"r": "1"})},
		{ops.MyRecord, `null`},
		{ops.AddActivity, vars(map[string]any{"c": id(*fx.Users["citizen"].LearningUnitID)})},
		{`mutation($id: ID!, $n: String) { reviewLearningActivity(input: {id: $id, status: REJECTED, note: $n}) { learningActivity { status } } }`, `{"id": "1", "n": "x"}`},
		{`{ me { id username role scope { name parent { name } } } }`, `null`},
		{`query($n: Int) { adminUnits(first: $n, where: {or: [{nameContains: "a"}, {not: {code: "90"}}]}) { totalCount edges { cursor node { id } } } }`, `{"n": 3}`},
	} {
		f.Add(seed.query, seed.vars)
	}
	officer := fx.Viewer("officer")
	f.Fuzz(func(t *testing.T, query, variables string) {
		q, _ := json.Marshal(query)
		body := `{"query":` + string(q) + `,"variables":` + variables + `}`
		req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req = req.WithContext(viewer.NewContext(req.Context(), officer))
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		var res response
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			t.Fatalf("answer %d is not JSON: %.300s", rec.Code, rec.Body)
		}
		if rec.Code >= 500 {
			t.Fatalf("status %d: %+v", rec.Code, res.Errors)
		}
		for _, e := range res.Errors {
			if e.Extensions["code"] == "INTERNAL" || e.Extensions["code"] == nil {
				t.Fatalf("error without a client's code: %+v\nquery: %s\nvariables: %s", e, query, variables)
			}
		}
	})
}
