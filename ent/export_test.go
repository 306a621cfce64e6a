package ent

// PagedForOneNode marks q as a page of one node's edges, as entgql's field
// collection does (template/with_row.tmpl).
func PagedForOneNode(q *RegistrationQuery) *RegistrationQuery { return q.pagedForOneNode() }
