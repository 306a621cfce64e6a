package model

import (
	"time"

	"github.com/99designs/gqlgen/graphql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/evaluation"
	"hoctap/internal/title"
	"hoctap/internal/viewer"
)

// UpdateLearningUnitInput is ent's changes to a learning unit with the unit
// they apply to and the version they were based on, as one input.
type UpdateLearningUnitInput struct {
	ent.UpdateLearningUnitInput
	// The unit by its server id, or by the client id of the create that
	// made it (ClientID); one of the two.
	ID              *int
	ClientID        *string
	ExpectedVersion *int
}

// ArchiveLearningUnitInput is a learning unit to archive, named by its server
// id or by the client id of the create that made it.
type ArchiveLearningUnitInput struct {
	ID              *int    `json:"id,omitempty"`
	ClientID        *string `json:"clientID,omitempty"`
	ExpectedVersion *int    `json:"expectedVersion,omitempty"`
}

// WithdrawRegistrationInput is a registration to withdraw, named by its
// server id or by the client id of the register that made it.
type WithdrawRegistrationInput struct {
	ID              *int    `json:"id,omitempty"`
	ClientID        *string `json:"clientID,omitempty"`
	Reason          string  `json:"reason"`
	ExpectedVersion *int    `json:"expectedVersion,omitempty"`
}

// CreateLearningUnitInput is ent's new learning unit with the client id that
// makes sending it again safe.
type CreateLearningUnitInput struct {
	ent.CreateLearningUnitInput
	// The client id of the create (clientID), a UUID; nil for none.
	ClientID *string `json:"clientID,omitempty"`
	// The parent by the client id of the create that made it, instead of
	// parentID.
	ParentClientID *string `json:"parentClientID,omitempty"`
}

// CreateAdminUnitInput is a new administrative unit, with the client id that makes sending it again safe.
// Written by hand, not by gqlgen: clientID is an ID kept as text, where
// gqlgen would make every ID an int.
type CreateAdminUnitInput struct {
	// The unit directly above: the country for a province; a province for a district,
	// or for a commune on the two-tier tree since 1/7/2025; a district for a commune;
	// a commune for a village. It must be open (validTo null).
	ParentID int `json:"parentID"`
	// One level below the parent's (see parentID).
	Level adminunit.Level `json:"level"`
	// Official code: 2 digits for a province, 3 for a district, 5 for a commune, free
	// among the open units of that level. A village's code is the province's own
	// (1–16 characters without spaces), free among the open villages of its commune.
	Code string `json:"code"`
	// Official name with its type, e.g. "Thôn Đông" (Đông village); unique among the parent's open units, accents and case ignored.
	Name string `json:"name"`
	// Official type of the level: for a province Tỉnh (province) or Thành phố
	// (centrally-run city); for a district Huyện (rural district), Quận (urban
	// district), Thị xã (town) or Thành phố (provincial city); for a commune Xã
	// (commune), Phường (ward), Thị trấn (township) or Đặc khu (special zone); for
	// a village one of the local names of a village or residential group: Thôn,
	// Làng, Ấp, Bản, Buôn, Bon, Plei, Sóc, Phum, Xóm, Tổ dân phố, Khu phố, Khóm,
	// Khối, Khu, Tổ, Khu dân cư, Tổ dân cư, Tiểu khu, Đội. Matched without accents
	// or case and stored as spelled here.
	Type string `json:"type"`
	// Mountainous, remote or especially disadvantaged area (a commune's flag).
	Disadvantaged *bool `json:"disadvantaged,omitempty"`
	// First day the unit exists (only the calendar day counts); omit when it predates the records.
	ValidFrom *time.Time `json:"validFrom,omitempty"`
	// The client id of the create (clientID), a UUID; nil for none.
	ClientID *string `json:"clientID,omitempty"`
}

// CreateCampaignInput is a new campaign, with the client id that makes sending it again safe.
// Written by hand, not by gqlgen: clientID is an ID kept as text, where
// gqlgen would make every ID an int.
type CreateCampaignInput struct {
	// The province (a unit of level PROVINCE) that runs the campaign.
	ProvinceID int `json:"provinceID"`
	// The campaign's year, 2000–2100; a province has one campaign a year (CONFLICT otherwise). Its units are counted as they stand on 31 December of it.
	Year int `json:"year"`
	// Defaults to "Xây dựng xã hội học tập năm <year> – <province>" (building a learning society in <year>).
	Name *string `json:"name,omitempty"`
	// First day of the registration window: while the campaign is in REGISTRATION, units can be registered only from this day. Null: no limit.
	RegistrationStarts *time.Time `json:"registrationStarts,omitempty"`
	// Last day (counted whole) of the registration window. Null: no limit.
	RegistrationEnds *time.Time `json:"registrationEnds,omitempty"`
	// First day of the evaluation window: while the campaign is in EVALUATION, evaluations are accepted only from this day. Null: no limit.
	EvaluationStarts *time.Time `json:"evaluationStarts,omitempty"`
	// Last day (counted whole) of the evaluation window. Null: no limit.
	EvaluationEnds *time.Time `json:"evaluationEnds,omitempty"`
	// First day of the recognition window: while the campaign is in RECOGNITION, decisions are accepted only from this day. Null: no limit.
	RecognitionStarts *time.Time `json:"recognitionStarts,omitempty"`
	// Last day (counted whole) of the recognition window. Null: no limit.
	RecognitionEnds *time.Time `json:"recognitionEnds,omitempty"`
	// Overrides of which level recognises each title.
	DecidingLevels []*DecidingLevelInput `json:"decidingLevels,omitempty"`
	// The client id of the create (clientID), a UUID; nil for none.
	ClientID *string `json:"clientID,omitempty"`
}

// CreateUserInput is a new account, with the client id that makes sending it again safe.
// Written by hand, not by gqlgen: clientID is an ID kept as text, where
// gqlgen would make every ID an int.
type CreateUserInput struct {
	// Login name: 3–64 characters, lowercase letters, digits, dot, dash or underscore.
	Username string `json:"username"`
	// The person's full name, 1–200 characters, e.g. "Nguyễn Văn An".
	FullName string `json:"fullName"`
	// Initial password, under the password policy.
	Password string `json:"password"`
	// No higher than the creator's own role (below it for a MANAGER).
	Role viewer.Role `json:"role"`
	// The admin unit the user works in; inside the creator's scope.
	ScopeID int `json:"scopeID"`
	// For a CITIZEN: their own citizen record.
	LearningUnitID *int `json:"learningUnitID,omitempty"`
	// The client id of the create (clientID), a UUID; nil for none.
	ClientID *string `json:"clientID,omitempty"`
}

// RegisterInput is a registration to make, with the client id that makes sending it again safe.
// Written by hand, not by gqlgen: clientID is an ID kept as text, where
// gqlgen would make every ID an int.
type RegisterInput struct {
	// The campaign; in REGISTRATION (or EVALUATION when it allows late registration).
	CampaignID int `json:"campaignID"`
	// The learning unit; in the campaign's province, not archived, not yet registered for the title.
	LearningUnitID *int `json:"learningUnitID,omitempty"`
	// The learning unit by the client id of the create that made it, instead of learningUnitID.
	LearningUnitClientID *string `json:"learningUnitClientID,omitempty"`
	// The title the unit aims at: the one of its kind (LEARNING_FAMILY for a HOUSEHOLD, …).
	Title title.Title `json:"title"`
	// The client id of the create (clientID), a UUID; nil for none.
	ClientID *string `json:"clientID,omitempty"`
}

// EvaluateInput is a registration to score, with the client id that makes sending it again safe.
// Written by hand, not by gqlgen: clientID is an ID kept as text, where
// gqlgen would make every ID an int.
type EvaluateInput struct {
	// The registration scored: REGISTERED or EVALUATED.
	RegistrationID *int `json:"registrationID,omitempty"`
	// The registration by the client id of the register that made it, instead of registrationID.
	RegistrationClientID *string `json:"registrationClientID,omitempty"`
	// SELF (the unit's own assessment), DRAFT (a collaborator's) or FINAL (decides the result).
	Kind evaluation.Kind `json:"kind"`
	// Points for every criterion of the set, each once, no other code.
	Scores []*ScoreInput `json:"scores"`
	// Evidence (minh chứng) and remarks, at most 4,000 characters.
	Notes *string `json:"notes,omitempty"`
	// Activities of the registered citizen's record cited as evidence.
	ActivityIDs []int `json:"activityIDs,omitempty"`
	// The client id of the create (clientID), a UUID; nil for none.
	ClientID *string `json:"clientID,omitempty"`
}

// RecognizeInput is a recognition decision to record, with the client id that makes sending it again safe.
// Written by hand, not by gqlgen: clientID is an ID kept as text, where
// gqlgen would make every ID an int.
type RecognizeInput struct {
	// The registrations recognised (1 to 5,000): all of one campaign and title, EVALUATED as PASSED, in the viewer's scope.
	RegistrationIDs []int `json:"registrationIDs"`
	// Decision number, e.g. "125/QĐ-UBND" (decision, quyết định, 125 of a People's Committee, Ủy ban nhân dân); unique per deciding unit in the campaign.
	Number string `json:"number"`
	// Date of the decision; not in the future.
	Date time.Time `json:"date"`
	// Who signed the decision, at most 200 characters, e.g. "Chủ tịch UBND xã, Nguyễn Văn Bình" (the chair of the commune People's Committee).
	Signer string `json:"signer"`
	// The client id of the create (clientID), a UUID; nil for none.
	ClientID *string `json:"clientID,omitempty"`
}

// PlanReorganisationInput is a reorganisation decision to record, with the
// client id that makes sending a new one again safe.
type PlanReorganisationInput struct {
	// A planned reorganisation to replace; omit to record a new one.
	ID *int `json:"id,omitempty"`
	// With id: the version of it the client edited (Reorganisation.version); CONFLICT on expectedVersion if it changed since.
	ExpectedVersion *int `json:"expectedVersion,omitempty"`
	// Number of the decision, e.g. 1665/NQ-UBTVQH15.
	Number string `json:"number"`
	// What the decision is about, e.g. "Sắp xếp các đơn vị hành chính cấp xã của tỉnh Hưng Yên" (reorganising the communes of Hưng Yên).
	Title string `json:"title"`
	// Date the decision was signed.
	SignedOn time.Time `json:"signedOn"`
	// Who signed it.
	Signer *string `json:"signer,omitempty"`
	// First day of the new tree: closed units end the day before.
	EffectiveOn time.Time `json:"effectiveOn"`
	// The changes, in order; a problem names one by its index (changes.3…).
	Changes []*ReorganisationChangeInput `json:"changes"`
	// New scopes for accounts whose scope the changes close, instead of the plan's default.
	UserScopes []*UserScopeInput `json:"userScopes,omitempty"`
	// The client id of a new decision (clientID), a UUID; nil for none.
	ClientID *string `json:"clientID,omitempty"`
}

// ChangeOperation is one write of an app's offline queue (applyChanges): its
// id in the app and exactly one mutation's input.
type ChangeOperation struct {
	// The app's id of the operation, echoed in its result; any text.
	OpID                 string                     `json:"opID"`
	CreateLearningUnit   *CreateLearningUnitInput   `json:"createLearningUnit,omitempty"`
	UpdateLearningUnit   *UpdateLearningUnitInput   `json:"updateLearningUnit,omitempty"`
	ArchiveLearningUnit  *ArchiveLearningUnitInput  `json:"archiveLearningUnit,omitempty"`
	Register             *RegisterInput             `json:"register,omitempty"`
	Evaluate             *EvaluateInput             `json:"evaluate,omitempty"`
	WithdrawRegistration *WithdrawRegistrationInput `json:"withdrawRegistration,omitempty"`
}

// ChangeResult is what became of one operation of a queue.
type ChangeResult struct {
	// The operation's opID.
	OpID   string       `json:"opID"`
	Status ChangeStatus `json:"status"`
	// The object the operation made or changed; on CONFLICT the server's
	// current version of it.
	Node  ent.Noder    `json:"node,omitempty"`
	Error *ChangeError `json:"error,omitempty"`
}

// CreateLearningActivityInput is ent's new activity of a lifelong-learning
// record with the client id that makes sending it again safe.
type CreateLearningActivityInput struct {
	ent.CreateLearningActivityInput
	// The client id of the create (clientID), a UUID; nil for none.
	ClientID *string `json:"clientID,omitempty"`
}

// UpdateLearningActivityInput is ent's changes to an activity with the
// activity they apply to and the version they were based on.
type UpdateLearningActivityInput struct {
	ent.UpdateLearningActivityInput
	ID              int  `json:"id"`
	ExpectedVersion *int `json:"expectedVersion,omitempty"`
}

// AttachEvidenceInput is a file to attach to an activity, with the client
// id (a UUID, kept as text) that makes sending it again safe.
type AttachEvidenceInput struct {
	ActivityID int            `json:"activityID"`
	File       graphql.Upload `json:"file"`
	ClientID   *string        `json:"clientID,omitempty"`
}
