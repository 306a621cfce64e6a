package demo

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// Data holds the demo provinces' rows of the official catalogue of
// administrative units (../shared/data, from thanglequoc/vietnamese-provinces-
// database, MIT licence, built from the national statistics office's
// catalogue): names and codes are public facts, and the binary then needs
// no file to load the demo. TestEmbeddedCatalogue proves each file equals
// its rows of the shared data.
//
//go:embed data/*.csv
var Data embed.FS

// The files of Data.
const (
	// Units20250301 is the three-tier catalogue before the reform, cut to
	// Thái Bình (34) and the old Hưng Yên (33).
	Units20250301 = "data/units-2025-03-01-33-34.csv"
	// Units20250701 is the two-tier catalogue after 1/7/2025, cut to the new
	// Hưng Yên (33), which Thái Bình became part of.
	Units20250701 = "data/units-2025-07-01-33.csv"
	// MergeHungYen20250701 is the merger list of the new Hưng Yên: each of
	// its communes and the communes it was formed from.
	MergeHungYen20250701 = "data/merge-2025-07-01-hung-yen.csv"
)

// The demo's provinces, in the order they are loaded: Thái Bình first, the
// province of the demo's accounts.
const (
	codeThaiBinh = "34"
	codeHungYen  = "33"
)

// cataloguedProvince is a province of the three-tier catalogue.
type cataloguedProvince struct {
	Code, Name string
	Districts  []cataloguedDistrict
}

// cataloguedDistrict is a district-level unit with its communes in the
// catalogue's order.
type cataloguedDistrict struct {
	Code, Name, Type string
	Communes         []cataloguedCommune
}

type cataloguedCommune struct {
	Code, Name, Type string
}

// readCSV reads one of Data's files whole, checking its header.
func readCSV(name string, header ...string) ([][]string, error) {
	b, err := Data.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	return parseCSV(bytes.NewReader(b), name, header...)
}

// parseCSV reads a catalogue file, its header first.
func parseCSV(r io.Reader, name string, header ...string) ([][]string, error) {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("catalogue %s: %w", name, err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(header, ",") {
		return nil, fmt.Errorf("catalogue %s: header is not %q", name, header)
	}
	return recs[1:], nil
}

// units20250301Header is the header of the three-tier catalogue.
var units20250301Header = []string{"Tỉnh Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp"}

// provincesBefore2025 returns the demo's provinces as the catalogue of
// 1/3/2025 lists them, Thái Bình first.
func provincesBefore2025() ([]cataloguedProvince, error) {
	recs, err := readCSV(Units20250301, units20250301Header...)
	if err != nil {
		return nil, err
	}
	byCode := map[string]*cataloguedProvince{}
	for _, r := range recs {
		p := byCode[r[1]]
		if p == nil {
			p = &cataloguedProvince{Code: r[1], Name: r[0]}
			byCode[r[1]] = p
		}
		if n := len(p.Districts); n == 0 || p.Districts[n-1].Code != r[3] {
			p.Districts = append(p.Districts, cataloguedDistrict{Code: r[3], Name: r[2], Type: typeOf(r[2])})
		}
		d := &p.Districts[len(p.Districts)-1]
		d.Communes = append(d.Communes, cataloguedCommune{Code: r[5], Name: r[4], Type: r[6]})
	}
	var out []cataloguedProvince
	for _, code := range []string{codeThaiBinh, codeHungYen} {
		p := byCode[code]
		if p == nil {
			return nil, fmt.Errorf("catalogue %s: no province %s", Units20250301, code)
		}
		out = append(out, *p)
	}
	return out, nil
}

// typeOf is the type word a unit's name starts with: "Thành phố Thái Bình"
// → "Thành phố".
func typeOf(name string) string {
	for _, t := range []string{"Thành phố", "Thị xã", "Thị trấn", "Huyện", "Quận", "Tỉnh", "Phường", "Xã", "Đặc khu"} {
		if strings.HasPrefix(name, t+" ") {
			return t
		}
	}
	return name
}
