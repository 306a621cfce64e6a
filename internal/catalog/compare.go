package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"hoctap/ent"
	"hoctap/ent/privacy"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg"
)

var (
	msgFile       = i18n.Message{VI: "Tệp %s không đọc được: %s", EN: "File %s cannot be read: %s"}
	msgNotCatalog = i18n.Message{VI: "Tệp %s là danh sách sắp xếp, không phải danh mục đơn vị hành chính.", EN: "%s is a merger list, not a catalogue of units."}
	msgNotMerger  = i18n.Message{VI: "Tệp %s là danh mục đơn vị hành chính, không phải danh sách sắp xếp.", EN: "%s is a catalogue of units, not a merger list."}
)

// File is an uploaded file: its name, as the report names it, and its
// content.
type File struct {
	Name string
	Body io.Reader
}

// Compare reads a catalogue and, optionally, a merger list, and diffs them
// against the tree of the day before the catalogue takes effect
// (effectiveOn). It is the ADMIN's (reorg.Roles, importUnits) and reads the
// tree as the system. A file that is not what its field says is
// BAD_USER_INPUT naming the field.
func Compare(ctx context.Context, c *ent.Client, catalogue File, merger *File, effectiveOn time.Time) (*Result, error) {
	if err := reorg.Roles.May(ctx, "importUnits"); err != nil {
		return nil, err
	}
	doc, err := readAs("catalogue", catalogue)
	if err != nil {
		return nil, err
	}
	if doc.Catalogue == nil {
		return nil, apperr.Input("catalogue", msgNotCatalog, catalogue.Name)
	}
	var list *Document
	if merger != nil {
		if list, err = readAs("merger", *merger); err != nil {
			return nil, err
		}
		if list.Merger == nil {
			return nil, apperr.Input("merger", msgNotMerger, merger.Name)
		}
	}
	day := effectiveOn.In(i18n.Vietnam)
	before := time.Date(day.Year(), day.Month(), day.Day()-1, 0, 0, 0, 0, i18n.Vietnam)
	tree, err := ReadTree(privacy.DecisionContext(ctx, privacy.Allow), c, before)
	if err != nil {
		return nil, fmt.Errorf("import units: %w", err)
	}
	return Diff(tree, doc, list), nil
}

// readAs reads an uploaded file; a file that is not a catalogue or merger
// list at all is BAD_USER_INPUT on field.
func readAs(field string, f File) (*Document, error) {
	doc, err := Read(f.Body, f.Name)
	var bad *Error
	if errors.As(err, &bad) {
		return nil, apperr.Input(field, msgFile, f.Name, i18n.Message{VI: bad.Issue.Message(i18n.VI), EN: bad.Issue.Message(i18n.EN)})
	}
	return doc, err
}
