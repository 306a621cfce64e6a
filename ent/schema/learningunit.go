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

// maxLearningUnitCode is the longest code a learning unit may have;
// internal/units says so in words (units.MaxCode).
const maxLearningUnitCode = 32

// LearningUnit is the subject of a learning title: a household, a clan, an
// organisation, a citizen, or an administrative unit acting as a learning
// community. Units are archived, never deleted.
type LearningUnit struct{ ent.Schema }

// Mixin of the LearningUnit.
func (LearningUnit) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, ClientMixin{}}
}

// Fields of the LearningUnit.
func (LearningUnit) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").
			Values("HOUSEHOLD", "CLAN", "ORGANIZATION", "CITIZEN", "COMMUNITY").
			Immutable().
			Comment("What the unit is; it decides which title it can aim at.").
			Annotations(entgql.OrderField("KIND"), schemadoc.Enum{
				Type: "What a learning unit is; it decides the title the unit can aim at.",
				Values: map[string]string{
					"HOUSEHOLD":    "Hộ gia đình (household); aims at Gia đình học tập (learning family).",
					"CLAN":         "Dòng họ or chi họ (clan or clan branch) in a commune; aims at Dòng họ học tập (learning clan).",
					"ORGANIZATION": "Cơ quan/đơn vị (organisation): an agency, school, enterprise or armed-forces unit, see subtype; aims at Đơn vị học tập (learning unit).",
					"CITIZEN":      "Công dân (citizen): an adult of a household, clan or village, or a member of staff of an organisation; aims at Công dân học tập (learning citizen).",
					"COMMUNITY":    "An administrative unit acting as a learning community: a village or residential group (thôn, tổ dân phố) aims at Cộng đồng học tập cấp thôn (village learning community); a commune, district or province at the learning-community title of its level (Thông tư 25/2023).",
				},
			}),
		field.Enum("subtype").
			Values("AGENCY", "SCHOOL", "ENTERPRISE", "ARMED_FORCES", "OTHER").
			Optional().Nillable().
			Comment("Kind of organisation; provinces may set separate targets per subtype. Only for ORGANIZATION.").
			Annotations(schemadoc.Enum{
				Type: "The kind of an organisation (ORGANIZATION learning unit). Provinces may set separate targets per subtype, e.g. a lower one for enterprises.",
				Values: map[string]string{
					"AGENCY":       "Cơ quan (a state agency or public body).",
					"SCHOOL":       "Trường học (a school).",
					"ENTERPRISE":   "Doanh nghiệp (an enterprise).",
					"ARMED_FORCES": "Đơn vị lực lượng vũ trang (an armed-forces unit).",
					"OTHER":        "Khác (any other organisation).",
				},
			}),
		field.String("name").
			NotEmpty().MaxLen(200).
			Comment("Display name, e.g. \"Hộ ông Nguyễn Văn An\" (Mr Nguyễn Văn An's household) or \"Trường THCS Đông Hà\" (Đông Hà lower-secondary school)."),
		sortKey("name", "NAME"),
		field.String("code").
			Optional().MaxLen(maxLearningUnitCode).
			Comment("The unit's code in the province's own lists (a household's number in its village's list, say), so a re-imported list updates the unit instead of adding it again. Unique among the open units of the same kind in the same administrative unit (checked by internal/units and the imports)."),
		field.String("head_name").
			Optional().MaxLen(200).
			Comment("Head of the household or clan, or the organisation's representative."),
		field.String("address").
			Optional().MaxLen(300).
			Comment("Postal address or a description of where to find the unit."),
		field.String("phone").
			Optional().MaxLen(32).
			Comment("Contact phone number."),
		field.Int("birth_year").
			Optional().Nillable().
			Range(1900, 2100).
			Comment("A citizen's year of birth, when known; only for CITIZEN."),
		field.Int("member_count").
			Default(0).NonNegative().
			Comment("Number of members (people in a household, households in a clan, staff of an organisation)."),
		field.Int("adult_count").
			Default(0).NonNegative().
			Comment("Number of adult members; the base of the learning-citizen rate."),
		field.Int("admin_unit_id").
			Comment("The administrative unit the learning unit belongs to; for a COMMUNITY, the unit it is.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("parent_id").
			Optional().Nillable().
			Comment("The unit this one is part of: citizen → household, household → clan, staff → organisation.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.String("admin_path").
			Default("").
			Comment("Copy of the admin unit's materialised path: the scope filter without a join.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("archived_at").
			Optional().Nillable().
			Comment("When the unit was archived; archived units are kept but no longer counted.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of the LearningUnit.
func (LearningUnit) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("admin_unit", AdminUnit.Type).
			Ref("learning_units").
			Field("admin_unit_id").
			Unique().Required().
			Comment("The administrative unit the learning unit belongs to."),
		edge.To("children", LearningUnit.Type).
			Comment("Units that are part of this one (the citizens of a household, the households of a clan).").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			From("parent").
			Field("parent_id").
			Unique().
			Comment("The unit this one is part of: a citizen's household or organisation, a household's clan."),
		edge.From("registrations", Registration.Type).
			Ref("learning_unit").
			Comment("The unit's registrations, in every campaign; filter by campaign for the current one.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.From("activities", LearningActivity.Type).
			Ref("citizen").
			Comment("A citizen's lifelong-learning record (hồ sơ học tập suốt đời): the activities entered, in the order they were entered unless orderBy says otherwise (STARTED_ON, DESC for the most recent first); removed ones too (filter with archivedAtIsNil: true); empty for other kinds.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Indexes of the LearningUnit.
func (LearningUnit) Indexes() []ent.Index {
	return []ent.Index{
		// A village's active households in the viewer's scope, a page at a
		// time: in id order, so a page stops after its rows instead of
		// sorting the village, with the scope filter's and the archive's
		// columns in the index, so counting the village reads the index
		// alone, not each row. archived_at comes after id: PostgreSQL does
		// not take `archived_at IS NULL` as an equality that keeps the
		// index's order (SQLite does), and sorted the whole village for
		// each page.
		index.Fields("admin_unit_id", "kind", "id", "admin_path", "archived_at").Annotations(entsqlOpClassColumn("admin_path")),
		index.Fields("parent_id"),
		// A where: on code. Codes are unique among the open units of a kind
		// in an administrative unit, but no unique index says so: a
		// reorganisation moves the units of merged villages into one, where
		// two may carry the same code, and must not fail on it. internal/units
		// refuses a duplicate code; an import names the ambiguity.
		index.Fields("code"),
		index.Fields("admin_path").Annotations(patternOps),
	}
}

// Annotations of the LearningUnit.
func (LearningUnit) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.Mutations(
			entgql.MutationCreate().Description("A new learning unit (household, clan, organisation, citizen or community) for createLearningUnit."),
			entgql.MutationUpdate().Description("Changes to a learning unit for updateLearningUnit; omitted fields stay as they are."),
		),
		schema.Comment("The subject of a learning title: a household, clan, organisation, citizen or learning community."),
	}
}
