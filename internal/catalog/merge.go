package catalog

import (
	"fmt"
	"strings"

	"hoctap/ent/adminunit"
	"hoctap/internal/reorg/spec"
	"hoctap/internal/textnorm"
)

// mergerRows are the rows of the merger list that form communes of the
// catalogue's province cp; rows naming a province of that name but a code
// the catalogue lacks are reported to it.
func (d *differ) mergerRows(p *Province, cp *catProvince) []*MergerRow {
	if d.merger == nil {
		return nil
	}
	var out []*MergerRow
	for i := range d.merger.Rows {
		mr := &d.merger.Rows[i]
		r := d.rowOf[mr.Code]
		switch {
		case r != nil && r.ProvinceCode == cp.code:
			out = append(out, mr)
		case r == nil && sameName(mr.ProvinceName, cp.name):
			p.Issues = append(p.Issues, Issue{File: d.merger.File, Row: mr.Line, Column: colCommuneCode, Value: mr.Code, Msg: msgNoCatalogue, Args: []any{mr.Code}})
		}
	}
	return out
}

func sameName(a, b string) bool { return textnorm.Fold(a) == textnorm.Fold(b) }

// orphanMergerRows reports the merger rows that belong to no province of
// the catalogue.
func (d *differ) orphanMergerRows() {
	if d.merger == nil {
		return
	}
	for i := range d.merger.Rows {
		mr := &d.merger.Rows[i]
		if d.rowOf[mr.Code] != nil {
			continue
		}
		known := false
		for _, p := range d.provinces {
			known = known || sameName(mr.ProvinceName, p.name)
		}
		if !known {
			d.res.Issues = append(d.res.Issues, Issue{File: d.merger.File, Row: mr.Line, Column: colProvince, Value: mr.ProvinceName, Msg: msgNoMergerTarget, Args: []any{mr.ProvinceName}})
		}
	}
}

// checkRow reports a merger row that names another province than the
// catalogue puts its code in, or its new commune otherwise.
func (d *differ) checkRow(p *Province, cp *catProvince, mr *MergerRow) {
	file := d.merger.File
	if !sameName(mr.ProvinceName, cp.name) {
		p.Issues = append(p.Issues, Issue{File: file, Row: mr.Line, Column: colProvince, Value: mr.ProvinceName, Msg: msgOtherProvince, Args: []any{mr.Code, cp.name, mr.ProvinceName}})
	}
	if r := d.rowOf[mr.Code]; exact(mr.Name) != exact(r.Name) {
		p.Issues = append(p.Issues, Issue{File: file, Row: mr.Line, Column: colNewCommune, Value: mr.Name, Warning: true, Msg: msgOtherName, Args: []any{mr.Code, r.Name}})
	}
}

// use is one mention of a former unit in the merger list.
type use struct {
	row    *MergerRow
	former Former
}

// merge turns the merger list's rows for a province into merges (the new
// commune formed from the former ones it names) and splits (a former
// commune shared among several new ones).
func (d *differ) merge(p *Province, cp *catProvince, rows []*MergerRow, scope []*Unit, parent ref, claimed map[string]bool) (merges, creates, splits []spec.Change) {
	file := d.merger.File
	var where []string
	for _, u := range p.Tree {
		where = append(where, u.Name)
	}
	uses := map[int][]use{}
	var order []int // former units in the order first named
	sources := map[*MergerRow][]int{}
	for _, mr := range rows {
		claimed[mr.Code] = true
		found := make([]*Unit, len(mr.Formers))
		cands := make([][]*Unit, len(mr.Formers))
		for i, f := range mr.Formers {
			cs, all := d.candidates(f, scope)
			switch {
			case len(cs) == 1:
				found[i] = cs[0]
				if nameOf(cs[0].Name).spelt != nameOf(f.Name).spelt {
					p.Issues = append(p.Issues, Issue{File: file, Row: mr.Line, Column: colBefore, Value: f.Raw, Warning: true, Msg: msgSpelling, Args: []any{f.Name, cs[0].String()}})
				}
			case len(cs) == 0 && f.Qualifier != "" && len(all) > 0:
				p.Issues = append(p.Issues, Issue{File: file, Row: mr.Line, Column: colBefore, Value: f.Raw, Msg: msgUnknownWhere, Args: []any{f.Name, f.Qualifier}})
			case len(cs) == 0:
				p.Issues = append(p.Issues, Issue{File: file, Row: mr.Line, Column: colBefore, Value: f.Raw, Msg: msgUnknownFormer, Args: []any{f.Name, strings.Join(where, ", "), d.date}})
			default:
				cands[i] = cs
			}
		}
		// A name several districts share, written without its district, is
		// the one in the district of the row's other communes when they
		// all lie in one: the published lists leave the district out where
		// the row makes it plain. Said in the report, never silent.
		var district *Unit
		one := true
		for _, u := range found {
			if u == nil {
				continue
			}
			du := d.tree.district(u)
			if du == nil || (district != nil && du.ID != district.ID) {
				one = false
			}
			district = du
		}
		for i, cs := range cands {
			if cs == nil {
				continue
			}
			f := mr.Formers[i]
			var inDistrict []*Unit
			for _, c := range cs {
				if one && district != nil && d.tree.district(c) != nil && d.tree.district(c).ID == district.ID {
					inDistrict = append(inDistrict, c)
				}
			}
			if len(inDistrict) != 1 {
				p.Issues = append(p.Issues, Issue{File: file, Row: mr.Line, Column: colBefore, Value: f.Raw, Msg: msgAmbiguous, Args: []any{f.Name, d.describe(cs), f.Name}})
				continue
			}
			found[i] = inDistrict[0]
			p.Issues = append(p.Issues, Issue{File: file, Row: mr.Line, Column: colBefore, Value: f.Raw, Warning: true, Msg: msgByDistrict, Args: []any{f.Name, d.describe(inDistrict)}})
		}
		for i, u := range found {
			if u == nil {
				continue
			}
			if uses[u.ID] == nil {
				order = append(order, u.ID)
			}
			uses[u.ID] = append(uses[u.ID], use{mr, mr.Formers[i]})
			d.used[u.ID] = true
		}
	}
	// Successors, keyed by their code so that splits can name them.
	key := func(mr *MergerRow) string { return "px:" + mr.Code }
	for _, id := range order {
		us := uses[id]
		u := d.tree.Units[id]
		if len(us) == 1 && !us[0].former.Part {
			sources[us[0].row] = append(sources[us[0].row], id)
			continue
		}
		var lines []string
		var parts []spec.Part
		part := false
		for _, x := range us {
			lines = append(lines, fmt.Sprint(x.row.Line))
			part = part || x.former.Part
			pt := spec.Part{Successor: spec.Target{Key: key(x.row)}}
			// The remainder comes first: it takes whatever no part names.
			if strings.Contains(textnorm.Fold(x.former.Raw), "phan con lai") {
				parts = append([]spec.Part{pt}, parts...)
			} else {
				parts = append(parts, pt)
			}
		}
		switch {
		case len(us) == 1:
			p.Issues = append(p.Issues, Issue{File: file, Row: us[0].row.Line, Column: colBefore, Value: us[0].former.Raw, Warning: true, Msg: msgOnePart, Args: []any{u.String()}})
		case !part:
			p.Issues = append(p.Issues, Issue{File: file, Row: us[0].row.Line, Column: colBefore, Value: us[0].former.Raw, Warning: true, Msg: msgTwice, Args: []any{u.String(), strings.Join(lines, ", ")}})
		}
		splits = append(splits, spec.Change{Kind: spec.Split, Sources: []int{id}, Parts: parts, Note: fmt.Sprintf("%s:%s", file, strings.Join(lines, ","))})
	}
	for _, mr := range rows {
		r := d.rowOf[mr.Code]
		nu := &spec.Unit{Key: key(mr), Code: r.Code, Name: r.Name, Type: r.Type, Level: string(adminunit.LevelCOMMUNE)}
		parent.set(nu)
		note := d.note(file, mr.Line)
		if len(sources[mr]) == 0 {
			creates = append(creates, spec.Change{Kind: spec.Create, New: nu, Note: note})
			continue
		}
		merges = append(merges, spec.Change{Kind: spec.Merge, Sources: sources[mr], Successor: &spec.Target{New: nu}, Note: note})
	}
	return merges, creates, splits
}

// candidates are the communes of scope (open, or closed ones whose
// ancestors are read among the closed too) a merger-list entry may name:
// same name, same type when the entry gives one, in the district or province
// its qualifier names; narrowed to the exact spelling when several fit. all
// are the candidates before the qualifier.
func (d *differ) candidates(f Former, scope []*Unit) (cands, all []*Unit) {
	want := nameOf(f.Name)
	for _, u := range scope {
		n := nameOf(u.Name)
		if n.base == want.base && (want.typ == "" || n.typ == want.typ) {
			all = append(all, u)
		}
	}
	if f.Qualifier == "" {
		return narrow(all, want), all
	}
	q := nameOf(f.Qualifier)
	for _, u := range all {
		for a := d.tree.unit(u.ParentID); a != nil; a = d.tree.unit(a.ParentID) {
			n := nameOf(a.Name)
			if n.base == q.base && (q.typ == "" || n.typ == q.typ) {
				cands = append(cands, u)
				break
			}
		}
	}
	return narrow(cands, want), all
}

// describe names units with their district, which is what tells namesakes
// apart.
func (d *differ) describe(us []*Unit) string {
	var s []string
	for _, u := range us {
		if du := d.tree.district(u); du != nil {
			s = append(s, fmt.Sprintf("%s, %s", u.String(), du.Name))
		} else {
			s = append(s, u.String())
		}
	}
	return strings.Join(s, "; ")
}
