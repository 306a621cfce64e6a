// Package queue states who may send an app's queue of offline writes
// (applyChanges) and how long it may be.
package queue

import (
	"hoctap/internal/access"
	"hoctap/internal/viewer"
)

// MaxOperations bounds one queue: a phone offline for a week of village
// visits holds a few hundred writes; more is sent in several calls.
const MaxOperations = 500

// Roles may send a queue: the field staff who make the writes it carries.
// Each operation is then checked as its own mutation would check it.
var Roles = access.Roles{
	"applyChanges": {viewer.RoleAdmin, viewer.RoleOfficer, viewer.RoleCollaborator},
}
