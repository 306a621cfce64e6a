package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"hoctap/internal/reorg/spec"
	"hoctap/internal/schemadoc"
)

// Reorganisation is a dated decision that changes the administrative tree:
// merges, splits, moves, a tier abolished. It is planned first (a dry run
// that changes nothing) and applied once, in one transaction.
type Reorganisation struct{ ent.Schema }

// Mixin of the Reorganisation.
func (Reorganisation) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, ClientMixin{}}
}

// Fields of the Reorganisation.
func (Reorganisation) Fields() []ent.Field {
	return []ent.Field{
		field.String("number").
			NotEmpty().MaxLen(100).
			Comment("Number of the decision, e.g. \"1665/NQ-UBTVQH15\"."),
		field.String("title").
			NotEmpty().MaxLen(300).
			Comment("What the decision is about."),
		field.Time("signed_on").
			Comment("Date the decision was signed."),
		field.String("signer").
			Optional().MaxLen(200).
			Comment("Who signed it."),
		field.Time("effective_on").
			Comment("First day of the new tree: closed units end the day before, new units start on it."),
		field.Enum("status").
			Values("PLANNED", "APPLIED").
			Default("PLANNED").
			Comment("PLANNED until applied; an applied reorganisation never changes again.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), schemadoc.Enum{
				Type: "Whether a reorganisation has changed the administrative tree yet.",
				Values: map[string]string{
					"PLANNED": "Recorded with its changes, a dry run: the tree is unchanged and planReorganisation may still replace the changes.",
					"APPLIED": "Applied by applyReorganisation, in one transaction; it never changes again.",
				},
			}),
		field.JSON("spec", spec.Spec{}).
			Comment("The changes.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.JSON("outcome", map[string]int{}).
			Optional().
			Comment("What applying it moved, by kind of row.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("applied_at").
			Optional().Nillable().
			Comment("When it was applied.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Int("applied_by_id").
			Optional().Nillable().
			Comment("Who applied it.").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the Reorganisation.
func (Reorganisation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("applied_by", User.Type).Field("applied_by_id").Unique().
			Comment("Who applied it.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Indexes of the Reorganisation.
func (Reorganisation) Indexes() []ent.Index {
	return []ent.Index{index.Fields("effective_on")}
}

// Annotations of the Reorganisation.
func (Reorganisation) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.QueryField().Description("Reorganisations of the administrative tree (decisions merging, splitting, moving or closing units), planned and applied. Only ADMIN reads them; for anyone else the list is empty."),
		schema.Comment("A dated decision that reorganises administrative units, planned first and applied once."),
	}
}
