package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"hoctap/internal/criteria"
	"hoctap/internal/national/rates"
	"hoctap/internal/schemadoc"
	"hoctap/internal/title"
)

// titleField is the learning title of a row.
func titleField(ants ...schema.Annotation) ent.Field {
	return field.Enum("title").GoType(title.Title("")).Immutable().
		Comment("The learning title.").
		Annotations(append(ants, entgql.Type("Title"), titleDoc)...)
}

// titleDoc describes the Title enum (DOMAIN.md, "The titles").
var titleDoc = schemadoc.Enum{
	Type: "A learning title (danh hiệu học tập) of the learning-society programme (xã hội học tập). The first five are the titles of Hội Khuyến học Việt Nam (HKHVN, the Association for Promoting Education), passed or failed every year; the three community titles of a commune, district or province are the Ministry of Education's: recognised at level 1 or 2 for three years under circular (Thông tư) 25/2023/TT-BGDĐT; before 2024 communes were scored on points under circular 44/2014/TT-BGDĐT.",
	Values: map[string]string{
		"LEARNING_FAMILY":    "Gia đình học tập (learning family), for a household (HOUSEHOLD).",
		"LEARNING_CLAN":      "Dòng họ học tập (learning clan), for a clan or clan branch (CLAN).",
		"LEARNING_COMMUNITY": "Cộng đồng học tập cấp thôn (village learning community), for a village or residential group (a COMMUNITY at VILLAGE level).",
		"LEARNING_UNIT":      "Đơn vị học tập (learning unit), for an agency, school, enterprise or armed-forces unit (ORGANIZATION).",
		"LEARNING_CITIZEN":   "Công dân học tập (learning citizen), for an adult (CITIZEN), under QĐ 677/QĐ-TTg.",
		"COMMUNITY_COMMUNE":  "Cộng đồng học tập cấp xã (commune learning community), for a commune (a COMMUNITY at COMMUNE level); levels 1 and 2 under Thông tư 25/2023, points under Thông tư 44/2014 before.",
		"COMMUNITY_DISTRICT": "Cộng đồng học tập cấp huyện (district learning community), for a district (a COMMUNITY at DISTRICT level); levels 1 and 2 under Thông tư 25/2023.",
		"COMMUNITY_PROVINCE": "Cộng đồng học tập cấp tỉnh (province learning community), for a province (a COMMUNITY at PROVINCE level); levels 1 and 2 under Thông tư 25/2023, recognised by the Minister of Education.",
	},
}

// Campaign is one province's title cycle of one year.
type Campaign struct{ ent.Schema }

// Mixin of the Campaign.
func (Campaign) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, ClientMixin{}}
}

// Fields of the Campaign.
func (Campaign) Fields() []ent.Field {
	return []ent.Field{
		field.Int("province_id").
			Immutable().
			Comment("The province running the campaign.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("year").
			Immutable().Min(2000).Max(2100).
			Comment("The year of the campaign.").
			Annotations(entgql.OrderField("YEAR")),
		field.String("name").
			NotEmpty().MaxLen(200).
			Comment("Display name, e.g. \"Xây dựng xã hội học tập năm 2021\" (building a learning society in 2021)."),
		field.Enum("phase").
			Values("PLANNING", "REGISTRATION", "EVALUATION", "RECOGNITION", "CLOSED").
			Default("PLANNING").
			Comment("Where the yearly cycle stands; advanceCampaign moves it on.").
			Annotations(entgql.OrderField("PHASE"), schemadoc.Enum{
				Type: "A phase of a campaign's yearly cycle, in order: PLANNING, REGISTRATION, EVALUATION, RECOGNITION, CLOSED. advanceCampaign moves a campaign one phase on, revertCampaign one back.",
				Values: map[string]string{
					"PLANNING":     "Lập kế hoạch (planning): the province sets the year's targets, criteria and deciding levels.",
					"REGISTRATION": "Đăng ký (registration): learning units sign up for the title they aim at; self-assessments and draft evaluations may start.",
					"EVALUATION":   "Đánh giá (evaluation): registrations are scored against the criteria; a FINAL evaluation decides each result. Late registration only if the campaign allows it.",
					"RECOGNITION":  "Công nhận (recognition): the People's Committee (Ủy ban nhân dân) of each title's deciding level issues decisions recognising passed registrations.",
					"CLOSED":       "Kết thúc (closed): the year's results are final; registrations, targets and criteria no longer change.",
				},
			}),
		field.Time("reference_date").
			Comment("The date whose administrative tree and units the campaign counts (eligibility)."),
		field.Time("registration_starts").Optional().Nillable().Comment("Start of the registration window."),
		field.Time("registration_ends").Optional().Nillable().Comment("End of the registration window."),
		field.Time("evaluation_starts").Optional().Nillable().Comment("Start of the evaluation window."),
		field.Time("evaluation_ends").Optional().Nillable().Comment("End of the evaluation window."),
		field.Time("recognition_starts").Optional().Nillable().Comment("Start of the recognition window."),
		field.Time("recognition_ends").Optional().Nillable().Comment("End of the recognition window."),
		field.Bool("allow_late_registration").
			Default(false).
			Comment("Set by a manager: officers may still register units after the registration phase."),
		field.JSON("deciding_levels", map[string]string{}).
			Optional().
			Comment("Which admin level recognises each title, e.g. LEARNING_FAMILY → COMMUNE.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.JSON("national_targets", rates.Set{}).
			Optional().Immutable().
			Comment("The national targets of the campaign's year, copied from the national table when the campaign was created, so later edits of the table never change its report; null for campaigns created before the table existed, which read the current table.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("scope_path").
			Default("").
			Comment("Copy of the province's materialised path.").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the Campaign.
func (Campaign) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("province", AdminUnit.Type).Field("province_id").Unique().Required().Immutable().
			Comment("The province running the campaign."),
		edge.To("targets", Target.Type).Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("criteria_sets", CriteriaSet.Type).Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("registrations", Registration.Type).Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("decisions", Decision.Type).Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the Campaign.
func (Campaign) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("province_id", "year").Unique(),
		index.Fields("scope_path").Annotations(patternOps),
	}
}

// Annotations of the Campaign.
func (Campaign) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		schema.Comment("One province's learning-title cycle of one year: planning, registration, evaluation, recognition."),
	}
}

// Target is a province's or a unit's override of a national target rate.
type Target struct{ ent.Schema }

// Fields of the Target.
func (Target) Fields() []ent.Field {
	return []ent.Field{
		field.Int("campaign_id").Immutable(),
		titleField(),
		field.String("subtype").Default("").Immutable().
			Comment("Organisation subtype the target is for; empty for all."),
		field.Int("admin_unit_id").Immutable().
			Comment("The unit whose subtree the target applies to; the province for a province-wide target."),
		field.Float("rate").Min(0).Max(1).
			Comment("Share of eligible units to recognise, 0 to 1."),
	}
}

// Edges of the Target.
func (Target) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("campaign", Campaign.Type).Ref("targets").Field("campaign_id").Unique().Required().Immutable(),
		edge.To("admin_unit", AdminUnit.Type).Field("admin_unit_id").Unique().Required().Immutable(),
	}
}

// Indexes of the Target.
func (Target) Indexes() []ent.Index {
	return []ent.Index{index.Fields("campaign_id", "title", "subtype", "admin_unit_id").Unique()}
}

// Annotations of the Target.
func (Target) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// CriteriaSet is one version of the criteria of a title in a campaign.
// A version used by an evaluation is never changed: setCriteria then adds a
// new version.
type CriteriaSet struct{ ent.Schema }

// Fields of the CriteriaSet.
func (CriteriaSet) Fields() []ent.Field {
	return []ent.Field{
		field.Int("campaign_id").Immutable(),
		titleField(),
		field.Int("version").Immutable().Positive(),
		field.String("name").Comment("What the set is based on, e.g. \"QĐ 448/QĐ-KHVN (2016–2020)\" (decision 448 of Hội Khuyến học Việt Nam, the criteria of 2016–2020)."),
		field.JSON("criteria", []criteria.Criterion{}).Comment("The criteria, in order."),
		field.JSON("rule", criteria.Rule{}).Comment("How scores make a result."),
		field.Time("created_at").Default(now).Immutable(),
	}
}

// Edges of the CriteriaSet.
func (CriteriaSet) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("campaign", Campaign.Type).Ref("criteria_sets").Field("campaign_id").Unique().Required().Immutable(),
	}
}

// Indexes of the CriteriaSet.
func (CriteriaSet) Indexes() []ent.Index {
	return []ent.Index{index.Fields("campaign_id", "title", "version").Unique()}
}

// Annotations of the CriteriaSet.
func (CriteriaSet) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Registration enters a learning unit in a campaign for a title.
type Registration struct{ ent.Schema }

// Mixin of the Registration.
func (Registration) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, ClientMixin{}}
}

// Fields of the Registration.
func (Registration) Fields() []ent.Field {
	return []ent.Field{
		field.Int("campaign_id").Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("learning_unit_id").Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		titleField(entgql.OrderField("TITLE")),
		field.String("subtype").Default("").Immutable().
			Comment("Organisation subtype at registration, for per-subtype targets.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("admin_unit_id").Immutable().
			Comment("The admin unit the learning unit belonged to at registration: progress counts it there.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.String("admin_path").Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("status").
			Values("REGISTERED", "EVALUATED", "RECOGNIZED", "REJECTED", "WITHDRAWN").
			Default("REGISTERED").
			Comment("Where the registration stands.").
			Annotations(entgql.OrderField("STATUS"), schemadoc.Enum{
				Type: "Where a registration stands: REGISTERED, then EVALUATED by a FINAL evaluation, then RECOGNIZED by a decision; REJECTED or WITHDRAWN end it early.",
				Values: map[string]string{
					"REGISTERED": "Đã đăng ký (registered): entered in the campaign, no final evaluation yet.",
					"EVALUATED":  "Đã đánh giá (evaluated): a FINAL evaluation set result and score; a passed one awaits recognition. Evaluating again until then replaces them.",
					"RECOGNIZED": "Đã được công nhận (recognised): listed in a recognition decision (decision), final.",
					"REJECTED":   "Bị từ chối (rejected) by an officer, with a reason (reason); final.",
					"WITHDRAWN":  "Đã rút (withdrawn), with a reason (reason); final.",
				},
			}),
		field.Enum("result").Values("PASSED", "FAILED").Optional().Nillable().
			Comment("Result of the final evaluation, computed by the server.").
			Annotations(schemadoc.Enum{
				Type: "The result of a registration's latest FINAL evaluation, computed by the server from the campaign's criteria set.",
				Values: map[string]string{
					"PASSED": "Đạt (passed): the scores meet the pass rule; the registration can be recognised.",
					"FAILED": "Không đạt (failed): the scores miss the pass rule; the registration cannot be recognised unless evaluated again.",
				},
			}),
		field.Int("level").Optional().Nillable().
			Comment("Level reached (1 or 2) for the TT 25 community titles."),
		field.Float("score").Optional().Nillable().
			Comment("Total points of the final evaluation."),
		field.Int("decision_id").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Time("recognized_on").Optional().Nillable().
			Comment("Date of the recognition decision."),
		field.Time("valid_until").Optional().Nillable().
			Comment("Last day a TT 25 recognition holds (3 years)."),
		field.String("reason").Optional().MaxLen(1000).
			Comment("Why the registration was rejected or withdrawn."),
	}
}

// Edges of the Registration.
func (Registration) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("campaign", Campaign.Type).Ref("registrations").Field("campaign_id").Unique().Required().Immutable().
			Comment("The campaign."),
		edge.To("learning_unit", LearningUnit.Type).Field("learning_unit_id").Unique().Required().Immutable().
			Comment("The unit registered."),
		edge.To("admin_unit", AdminUnit.Type).Field("admin_unit_id").Unique().Required().Immutable().
			Comment("Where the unit belonged at registration."),
		edge.To("evaluations", Evaluation.Type).
			Comment("Self-assessments, drafts and final evaluations, newest first.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.From("decision", Decision.Type).Ref("registrations").Field("decision_id").Unique().
			Comment("The recognition decision."),
	}
}

// Indexes of the Registration.
func (Registration) Indexes() []ent.Index {
	return []ent.Index{
		// Leading with the unit, the unique index also serves a unit's
		// registrations across campaigns.
		index.Fields("learning_unit_id", "campaign_id", "title").Unique(),
		// Path first: SQLite's planner then still prefers the unit index
		// above for a page of households' registrations (a campaign-first
		// index made it scan a whole province's), while a scope's
		// registrations of a campaign are one range scan.
		index.Fields("admin_path", "campaign_id").Annotations(entsqlOpClassColumn("admin_path")),
		index.Fields("decision_id"),
	}
}

// Annotations of the Registration.
func (Registration) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		schema.Comment("A learning unit's entry in a campaign for one title, from registration to recognition."),
	}
}

// Evaluation scores a registration against a criteria set. Only a FINAL
// evaluation decides the result; SELF assessments and DRAFT scores come first.
type Evaluation struct{ ent.Schema }

// Mixin of the Evaluation.
func (Evaluation) Mixin() []ent.Mixin {
	return []ent.Mixin{ClientMixin{}}
}

// Fields of the Evaluation.
func (Evaluation) Fields() []ent.Field {
	return []ent.Field{
		field.Int("registration_id").Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("criteria_set_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("kind").Values("SELF", "DRAFT", "FINAL").Immutable().
			Comment("SELF: the unit's own assessment; DRAFT: a collaborator's; FINAL: the evaluator's, which decides.").
			Annotations(schemadoc.Enum{
				Type: "Who scored an evaluation, and whether it decides the registration's result.",
				Values: map[string]string{
					"SELF":  "Tự đánh giá (self-assessment): the unit's own scoring, entered by a citizen for their own or their household's registration, or by field staff for the unit; does not decide the result.",
					"DRAFT": "A draft scoring, typically a collaborator's (cộng tác viên) before the evaluator's; does not decide the result.",
					"FINAL": "The evaluator's scoring (an officer's), in the EVALUATION phase: it sets the registration's result, score and level.",
				},
			}),
		field.JSON("scores", map[string]float64{}).Immutable().
			Comment("Points per criterion code.").
			// GraphQL reads it as a typed list (graph/cycle.graphql): a Map
			// scalar gave client code generators nothing to type.
			Annotations(entgql.Skip(entgql.SkipType)),
		field.Float("total").Immutable().Comment("Sum of the points."),
		field.Enum("result").Values("PASSED", "FAILED").Immutable().Comment("Computed from the criteria set's rule.").
			Annotations(schemadoc.Enum{
				Type: "The result of one evaluation, computed by the server from the criteria set's pass rule.",
				Values: map[string]string{
					"PASSED": "Đạt (passed): the total reaches passPoints (and, for a leveled title, level 1), every criterion has at least minShare of its points, and every required criterion has all of them.",
					"FAILED": "Không đạt (failed): the pass rule is not met.",
				},
			}),
		field.Int("level").Optional().Nillable().Immutable().Comment("Level reached, for leveled titles."),
		field.String("notes").Optional().MaxLen(4000).Immutable().Comment("Evidence (minh chứng) and remarks."),
		field.Int("evaluator_id").Optional().Nillable().Immutable().
			Comment("Global id of the user who entered it.").Annotations(entgql.Type("ID")),
		field.Time("created_at").Default(now).Immutable().
			Comment("When the evaluation was entered (RFC 3339, UTC).").
			Annotations(entgql.OrderField("CREATED_AT")),
	}
}

// Edges of the Evaluation.
func (Evaluation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("registration", Registration.Type).Ref("evaluations").Field("registration_id").Unique().Required().Immutable().
			Comment("The registration scored."),
		edge.To("activities", LearningActivity.Type).
			Immutable().
			Comment("Activities of the citizen's lifelong-learning record cited as evidence (LEARNING_CITIZEN only).").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Indexes of the Evaluation.
func (Evaluation) Indexes() []ent.Index {
	return []ent.Index{index.Fields("registration_id"), index.Fields("criteria_set_id")}
}

// Annotations of the Evaluation.
func (Evaluation) Annotations() []schema.Annotation {
	return []schema.Annotation{schema.Comment("Scores of a registration against its campaign's criteria; the result is computed by the server.")}
}

// Decision is a recognition decision (quyết định công nhận) of a People's
// Committee: one number, date and signer for many registrations.
type Decision struct{ ent.Schema }

// Mixin of the Decision.
func (Decision) Mixin() []ent.Mixin {
	return []ent.Mixin{ClientMixin{}}
}

// Fields of the Decision.
func (Decision) Fields() []ent.Field {
	return []ent.Field{
		field.Int("campaign_id").Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("deciding_unit_id").Immutable().Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.String("scope_path").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		titleField(),
		field.String("number").NotEmpty().MaxLen(64).Immutable().Comment("Decision number, e.g. \"125/QĐ-UBND\" (decision, quyết định, 125 of a People's Committee, Ủy ban nhân dân).").
			Annotations(entgql.OrderField("NUMBER")),
		field.Time("date").Immutable().Comment("Date of the decision.").
			Annotations(entgql.OrderField("DATE")),
		field.String("signer").NotEmpty().MaxLen(200).Immutable().Comment("Who signed it."),
		field.Time("created_at").Default(now).Immutable().
			Comment("When the decision was recorded (RFC 3339, UTC)."),
	}
}

// Edges of the Decision.
func (Decision) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("campaign", Campaign.Type).Ref("decisions").Field("campaign_id").Unique().Required().Immutable().
			Comment("The campaign whose registrations it recognises."),
		edge.To("deciding_unit", AdminUnit.Type).Field("deciding_unit_id").Unique().Required().Immutable().
			Comment("The unit whose People's Committee decided."),
		edge.To("registrations", Registration.Type).
			Comment("The registrations recognised.").
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of the Decision.
func (Decision) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("campaign_id", "deciding_unit_id", "number").Unique(),
		index.Fields("scope_path").Annotations(patternOps),
	}
}

// Annotations of the Decision.
func (Decision) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		schema.Comment("A recognition decision: number, date and signer, shared by the registrations it recognises."),
	}
}

// ProgressCounter holds the running counts of one campaign, admin unit,
// title and subtype, kept in step with every registration change in the same
// transaction, so progress is a lookup rather than a scan.
type ProgressCounter struct{ ent.Schema }

// Fields of the ProgressCounter.
func (ProgressCounter) Fields() []ent.Field {
	return []ent.Field{
		field.Int("campaign_id"),
		field.Int("admin_unit_id"),
		field.Enum("title").GoType(title.Title("")),
		field.String("subtype").Default(""),
		field.Int("eligible").Default(0),
		field.Int("registered").Default(0),
		field.Int("evaluated").Default(0),
		field.Int("recognized").Default(0),
	}
}

// Indexes of the ProgressCounter.
func (ProgressCounter) Indexes() []ent.Index {
	return []ent.Index{index.Fields("campaign_id", "admin_unit_id", "title", "subtype").Unique()}
}

// Annotations of the ProgressCounter.
func (ProgressCounter) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
