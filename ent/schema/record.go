package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"hoctap/internal/schemadoc"
)

// LearningActivity is one entry of a citizen's lifelong-learning record (hồ
// sơ học tập suốt đời): a course, class, club, reading, and so on. It hangs
// on the CITIZEN learning unit itself, not on a place, so the record goes
// with the person when their household moves or their commune is merged;
// who may see it follows the citizen's current place (internal/rule).
type LearningActivity struct{ ent.Schema }

// Mixin of the LearningActivity.
func (LearningActivity) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, ClientMixin{}}
}

// Fields of the LearningActivity.
func (LearningActivity) Fields() []ent.Field {
	return []ent.Field{
		field.Int("citizen_id").
			Immutable().
			Comment("The CITIZEN learning unit whose record the activity is part of.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput, entgql.SkipMutationUpdateInput)),
		field.Enum("kind").
			Values("COURSE", "CLASS", "CLUB", "READING", "DIGITAL_SKILLS", "VOCATIONAL_TRAINING", "COMMUNITY_LEARNING").
			Comment("What sort of learning the activity was.").
			Annotations(entgql.OrderField("KIND"), schemadoc.Enum{
				Type: "The sort of a learning activity in a citizen's lifelong-learning record.",
				Values: map[string]string{
					"COURSE":              "Khóa học (a course), in person or online, with a provider.",
					"CLASS":               "Lớp học (a class), e.g. at the commune's community learning centre (trung tâm học tập cộng đồng).",
					"CLUB":                "Câu lạc bộ (a club): a reading, foreign-language, farming or other learning club.",
					"READING":             "Đọc sách (reading): books or a library programme.",
					"DIGITAL_SKILLS":      "Kỹ năng số (digital skills): the national digital-literacy programme, online public services, and the like.",
					"VOCATIONAL_TRAINING": "Đào tạo nghề (vocational training), including short courses for rural workers.",
					"COMMUNITY_LEARNING":  "Học tập cộng đồng (community learning): talks, campaigns and activities of the village or commune.",
				},
			}),
		field.String("title").
			NotEmpty().MaxRuneLen(200).
			Comment("What was learnt, e.g. \"Tin học văn phòng cơ bản\" (basic office computing)."),
		field.String("provider").
			Optional().MaxRuneLen(200).
			Comment("Who ran it: a school, centre, association, platform or club."),
		field.Time("started_on").
			Comment("First day of the activity (a date; the time of day is ignored).").
			Annotations(entgql.OrderField("STARTED_ON")),
		field.Time("ended_on").
			Optional().Nillable().
			Comment("Last day of the activity; empty while it goes on."),
		field.Float("hours").
			Default(0).
			Min(0).Max(10000).
			Comment("Hours of learning it took, as declared."),
		field.String("certificate").
			Optional().MaxRuneLen(200).
			Comment("The certificate (chứng chỉ) or attestation obtained, with its number if any; empty for none."),
		field.Enum("source").
			Values("SELF", "OFFICER").
			Immutable().
			Comment("Who entered it; set by the server from the author's role.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput), schemadoc.Enum{
				Type: "Who entered a learning activity into a citizen's record.",
				Values: map[string]string{
					"SELF":    "Tự khai (self-declared) by the citizen, from their own account.",
					"OFFICER": "Entered by staff of the citizen's commune (an officer or collaborator) on the citizen's behalf.",
				},
			}),
		field.Int("entered_by_id").
			Optional().Nillable().Immutable().
			Comment("The user who entered it.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("status").
			Values("PENDING", "VERIFIED", "REJECTED").
			Default("PENDING").
			Comment("Where the officers' verification stands.").
			Annotations(entgql.OrderField("STATUS"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), schemadoc.Enum{
				Type: "Where the verification (xác minh) of a learning activity by an officer of the citizen's commune stands.",
				Values: map[string]string{
					"PENDING":  "Chờ xác minh (awaiting verification); a change to a verified or rejected activity brings it back here.",
					"VERIFIED": "Đã xác minh (verified) by an officer of the citizen's commune: it counts as evidence in the learning-citizen evaluation.",
					"REJECTED": "Không xác minh được (not verified), with the officer's reason (reviewNote); it does not count.",
				},
			}),
		field.String("review_note").
			Optional().MaxRuneLen(1000).
			Comment("The officer's remark on verification; the reason when rejected.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Int("reviewed_by_id").
			Optional().Nillable().
			Comment("The officer who verified or rejected it.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("reviewed_at").
			Optional().Nillable().
			Comment("When it was verified or rejected.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("archived_at").
			Optional().Nillable().
			Comment("When it was removed from the record; removed activities are kept but no longer shown or counted.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of the LearningActivity.
func (LearningActivity) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("citizen", LearningUnit.Type).
			Field("citizen_id").Unique().Required().Immutable().
			Comment("The citizen whose record it is part of."),
		edge.To("evidence", EvidenceFile.Type).
			Comment("Photos or PDFs attached as evidence (minh chứng), oldest first.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.From("evaluations", Evaluation.Type).
			Ref("activities").
			Comment("The evaluations that cite the activity as evidence.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Indexes of the LearningActivity.
func (LearningActivity) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("citizen_id", "started_on"),
		// The verification queue: a commune's PENDING activities.
		index.Fields("status", "citizen_id"),
	}
}

// Annotations of the LearningActivity.
func (LearningActivity) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.Mutations(
			entgql.MutationCreate().Description("A new entry of a citizen's lifelong-learning record, for addLearningActivity."),
			entgql.MutationUpdate().Description("Changes to an entry of a lifelong-learning record for updateLearningActivity; omitted fields stay as they are."),
		),
		schema.Comment("One entry of a citizen's lifelong-learning record (hồ sơ học tập suốt đời): a course, class, club, reading, digital-skills or vocational training, or community learning."),
	}
}

// EvidenceFile describes a photo or PDF attached to a learning activity as
// evidence (minh chứng). Its bytes live in EvidenceBlob, outside the tables
// every list reads, and are served only as a download (never inline) to
// those who may read the activity.
type EvidenceFile struct{ ent.Schema }

// Mixin of the EvidenceFile: an upload over a phone's network is the
// request most often sent again, so attachEvidence carries a clientID like
// every create.
func (EvidenceFile) Mixin() []ent.Mixin {
	return []ent.Mixin{ClientMixin{}}
}

// Fields of the EvidenceFile.
func (EvidenceFile) Fields() []ent.Field {
	return []ent.Field{
		field.Int("activity_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("file_name").
			NotEmpty().MaxRuneLen(200).
			Immutable().
			Comment("The file's name as uploaded, cleaned of any path."),
		field.Enum("content_type").
			Values("JPEG", "PNG", "PDF").
			Immutable().
			Comment("The file's type, read from its content, not from its name or the uploader's word.").
			Annotations(schemadoc.Enum{
				Type: "The type of an evidence file, read from its first bytes.",
				Values: map[string]string{
					"JPEG": "A JPEG photo (image/jpeg).",
					"PNG":  "A PNG image (image/png).",
					"PDF":  "A PDF document (application/pdf).",
				},
			}),
		field.Int64("size").
			Immutable().
			Comment("Size in bytes."),
		field.String("sha256").
			Immutable().
			Comment("SHA-256 of the content, hex: the client can tell whether its copy is the same.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.Int("uploaded_by_id").
			Optional().Nillable().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("created_at").
			Default(now).Immutable().
			Comment("When it was uploaded (RFC 3339, UTC)."),
	}
}

// Edges of the EvidenceFile.
func (EvidenceFile) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("activity", LearningActivity.Type).
			Ref("evidence").Field("activity_id").Unique().Required().Immutable().
			Comment("The activity the file is evidence of."),
	}
}

// Indexes of the EvidenceFile: the read rule and the activity's evidence
// edge look files up by activity (PITFALLS 5: ent indexes no foreign key).
func (EvidenceFile) Indexes() []ent.Index {
	return []ent.Index{index.Fields("activity_id")}
}

// Annotations of the EvidenceFile.
func (EvidenceFile) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A photo or PDF attached to a learning activity as evidence (minh chứng); its url downloads it."),
	}
}

// EvidenceBlob holds an evidence file's bytes, apart from its description so
// that listing a record never reads them. Only the system touches it, after
// the EvidenceFile itself passed the reader's privacy rules.
type EvidenceBlob struct{ ent.Schema }

// Fields of the EvidenceBlob.
func (EvidenceBlob) Fields() []ent.Field {
	return []ent.Field{
		field.Int("file_id").Unique().Immutable(),
		field.Bytes("data").Immutable(),
	}
}

// Annotations of the EvidenceBlob.
func (EvidenceBlob) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
