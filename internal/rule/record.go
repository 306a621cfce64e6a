package rule

import (
	"context"

	"hoctap/ent"
	"hoctap/ent/evidencefile"
	"hoctap/ent/learningactivity"
	"hoctap/ent/privacy"
	"hoctap/internal/viewer"
)

// The fields of an activity that say what was learnt: what its author
// enters and edits. Verification and removal are set apart.
var activityContent = []string{
	learningactivity.FieldKind, learningactivity.FieldTitle, learningactivity.FieldProvider,
	learningactivity.FieldStartedOn, learningactivity.FieldEndedOn, learningactivity.FieldHours,
	learningactivity.FieldCertificate,
}

// activityReset are the fields an edit touches besides the content: it
// sends a verified or rejected activity back to PENDING, so its review is
// cleared, and it may remove the activity (archived_at).
var activityReset = []string{
	learningactivity.FieldStatus, learningactivity.FieldReviewNote, learningactivity.FieldReviewedByID,
	learningactivity.FieldReviewedAt, learningactivity.FieldArchivedAt,
}

// activityReview are the fields a verification sets.
var activityReview = []string{
	learningactivity.FieldStatus, learningactivity.FieldReviewNote, learningactivity.FieldReviewedByID,
	learningactivity.FieldReviewedAt,
}

// LearningActivityWrite keeps a lifelong-learning record its citizen's:
//   - a CITIZEN adds, edits and removes the activities of their own record
//     they declared (source SELF), never another's, not even their
//     household's;
//   - OFFICER and COLLABORATOR of the citizen's current place (as for
//     learning units, managers and viewers write none) enter activities for
//     the citizen (source OFFICER), and edit and remove those;
//   - only an OFFICER of the citizen's place verifies or rejects, and a
//     review changes nothing else.
//
// An edit may only send the status back to PENDING. The citizen's place is
// read when the write is made, so the rights follow the person.
func LearningActivityWrite() privacy.MutationRule {
	return privacy.LearningActivityMutationRuleFunc(func(ctx context.Context, m *ent.LearningActivityMutation) error {
		v := viewer.FromContext(ctx)
		c := m.Client()
		switch {
		case m.Op().Is(ent.OpCreate):
			citizen, _ := m.CitizenID()
			source, _ := m.Source()
			if s, ok := m.Status(); ok && s != learningactivity.StatusPENDING {
				return privacy.Denyf("a new activity is PENDING")
			}
			if _, ok := m.ReviewedByID(); ok {
				return privacy.Denyf("a new activity is not reviewed")
			}
			return mayAuthor(ctx, c, v, citizen, source)
		case m.Op().Is(ent.OpUpdateOne):
			id, _ := m.ID()
			old, err := c.LearningActivity.Query().Where(learningactivity.ID(id)).
				Select(learningactivity.FieldCitizenID, learningactivity.FieldSource).Only(system(ctx))
			if err != nil {
				return privacy.Denyf("learning activity %d: %v", id, err)
			}
			if s, ok := m.Status(); ok && s != learningactivity.StatusPENDING {
				// A review: an officer of the citizen's place, nothing but
				// the verdict.
				if v.Role != viewer.RoleOfficer || !v.InScope(learningUnitPath(ctx, c, old.CitizenID)) {
					return privacy.Denyf("only an officer of the citizen's place verifies their record")
				}
				if !onlyFields(m, activityReview...) {
					return privacy.Denyf("a review changes only the verification")
				}
				return privacy.Allow
			}
			if !onlyFields(m, append(activityContent, activityReset...)...) {
				return privacy.Denyf("the citizen and source of an activity do not change")
			}
			return mayAuthor(ctx, c, v, old.CitizenID, old.Source)
		}
		return privacy.Denyf("%s of learning activities is not allowed", m.Op())
	})
}

// mayAuthor allows the viewer to write an activity of source on the record
// of citizen: their own declared ones for a CITIZEN, those entered by
// staff for OFFICER and COLLABORATOR of the citizen's place.
func mayAuthor(ctx context.Context, c *ent.Client, v *viewer.Viewer, citizen int, source learningactivity.Source) error {
	switch v.Role {
	case viewer.RoleCitizen:
		if source != learningactivity.SourceSELF || citizen == 0 || citizen != v.LearningUnitID {
			return privacy.Denyf("a citizen writes only what they declared in their own record")
		}
		return privacy.Allow
	case viewer.RoleOfficer, viewer.RoleCollaborator:
		if source != learningactivity.SourceOFFICER {
			return privacy.Denyf("staff write only the activities staff entered")
		}
		if !v.InScope(learningUnitPath(ctx, c, citizen)) {
			return privacy.Denyf("citizen %d is outside the viewer's scope", citizen)
		}
		return privacy.Allow
	}
	return privacy.Denyf("role %s cannot write lifelong-learning records", v.Role)
}

// EvidenceFileWrite lets whoever may edit an activity (LearningActivityWrite)
// attach files to it and remove them. A file itself never changes.
func EvidenceFileWrite() privacy.MutationRule {
	return privacy.EvidenceFileMutationRuleFunc(func(ctx context.Context, m *ent.EvidenceFileMutation) error {
		v := viewer.FromContext(ctx)
		c := m.Client()
		var activity int
		switch {
		case m.Op().Is(ent.OpCreate):
			activity, _ = m.ActivityID()
			if u, ok := m.UploadedByID(); !ok || u != v.UserID {
				return privacy.Denyf("a file is uploaded by the viewer")
			}
		case m.Op().Is(ent.OpDeleteOne):
			id, _ := m.ID()
			a, err := c.EvidenceFile.Query().Where(evidencefile.ID(id)).Select(evidencefile.FieldActivityID).Int(system(ctx))
			if err != nil {
				return privacy.Denyf("evidence file %d: %v", id, err)
			}
			activity = a
		default:
			return privacy.Denyf("%s of evidence files is not allowed", m.Op())
		}
		a, err := c.LearningActivity.Query().Where(learningactivity.ID(activity)).
			Select(learningactivity.FieldCitizenID, learningactivity.FieldSource).Only(system(ctx))
		if err != nil {
			return privacy.Denyf("learning activity %d: %v", activity, err)
		}
		return mayAuthor(ctx, c, v, a.CitizenID, a.Source)
	})
}
