package export_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope/reports/export"
)

func TestCSVFormats(t *testing.T) {
	r := export.Resource{
		Name: "t",
		Fields: []export.Field{
			{Name: "code", Type: export.String, Text: true}, {Name: "d", Type: export.Date}, {Name: "m", Type: export.YearMonth},
			{Name: "at", Type: export.DateTime}, {Name: "n", Type: export.Integer}, {Name: "x", Type: export.Number},
			{Name: "b", Type: export.Boolean}, {Name: "why", Type: export.Integer},
		},
		Rows: func(ctx context.Context, emit func(export.Row) error) error {
			paris := time.FixedZone("CET", 3600)
			return emit(export.Row{"01001", time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC),
				time.Date(2026, 3, 5, 10, 0, 0, 0, paris), int64(42), 0.25, true, export.Missing{Code: "-993"}})
		},
	}
	var b bytes.Buffer
	n, err := export.WriteCSV(context.Background(), &b, r)
	if err != nil || n != 1 {
		t.Fatal(n, err)
	}
	want := "code,d,m,at,n,x,b,why\n01001,2026-03-05,2015-01,2026-03-05T09:00:00Z,42,0.25,true,-993\n"
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if _, err := export.WriteExcelCSV(context.Background(), &b, r); err != nil {
		t.Fatal(err)
	}
	excel := "\ufeffcode;d;m;at;n;x;b;why\r\n01001;2026-03-05;2015-01;2026-03-05T09:00:00Z;42;0,25;true;-993\r\n"
	if b.String() != excel {
		t.Errorf("spreadsheet CSV:\n%q\nwant:\n%q", b.String(), excel)
	}
	bad := r
	bad.Rows = func(ctx context.Context, emit func(export.Row) error) error { return emit(export.Row{"only one"}) }
	if _, err := export.WriteCSV(context.Background(), &bytes.Buffer{}, bad); err == nil {
		t.Error("a short row was written")
	}
}

func TestValidatePackageCatchesBrokenDescriptors(t *testing.T) {
	cases := map[string]string{
		"not JSON":           `{`,
		"no resources":       `{"name":"x","licenses":[{"name":"etalab-2.0"}]}`,
		"empty resources":    `{"resources":[]}`,
		"no name":            `{"resources":[{"path":"a.csv"}]}`,
		"bad name":           `{"resources":[{"name":"Tools!","path":"a.csv"}]}`,
		"path and data":      `{"resources":[{"name":"a","path":"a.csv","data":[]}]}`,
		"neither":            `{"resources":[{"name":"a"}]}`,
		"dup names":          `{"resources":[{"name":"a","path":"a.csv"},{"name":"a","path":"b.csv"}]}`,
		"bad hash":           `{"resources":[{"name":"a","path":"a.csv","hash":"sha1:abc"}]}`,
		"no fields":          `{"resources":[{"name":"a","path":"a.csv","schema":{}}]}`,
		"field without name": `{"resources":[{"name":"a","path":"a.csv","schema":{"fields":[{"type":"string"}]}}]}`,
		"bad type":           `{"resources":[{"name":"a","path":"a.csv","schema":{"fields":[{"name":"f","type":"text"}]}}]}`,
		"licence empty":      `{"licenses":[{}],"resources":[{"name":"a","path":"a.csv"}]}`,
		"bad missing":        `{"resources":[{"name":"a","path":"a.csv","schema":{"fields":[{"name":"f"}],"missingValues":[1]}}]}`,
		"v2-only missing":    `{"resources":[{"name":"a","path":"a.csv","schema":{"fields":[{"name":"f"}],"missingValues":[{"value":"-992","label":"dk"}]}}]}`,
		"string category":    `{"resources":[{"name":"a","path":"a.csv","schema":{"fields":[{"name":"f","type":"integer","categories":[{"value":"0"}]}]}}]}`,
	}
	for name, raw := range cases {
		if errs := export.ValidatePackage([]byte(raw)); len(errs) == 0 {
			t.Errorf("%s: no error for %s", name, raw)
		}
	}
	ok := `{"$schema":"` + export.PackageProfile + `","name":"x","licenses":[{"name":"etalab-2.0"}],"resources":[{"name":"a","path":"a.csv",
		"schema":{"fields":[{"name":"f","type":"string","categories":[{"value":"x","label":"X"}]}],"missingValues":["","-992"]}}]}`
	if errs := export.ValidatePackage([]byte(ok)); len(errs) != 0 {
		t.Errorf("valid descriptor rejected: %v", errs)
	}
	if !strings.HasPrefix(export.VersionAt(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)), "20260102T030405Z") {
		t.Error("version format")
	}
}
