package barometer

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/reports/export"
)

// datapackageJS is the Frictionless reference reader for JavaScript (v1 of
// the specification), pinned; npm installs it once into the repository's
// .cache/npm, like axe-core for the browser tests.
const datapackageJS = "datapackage@1.1.10"

// readRelease loads a release with datapackage-js, validates the
// descriptor against the library's own profile and reads every table with
// its schema (types cast, missing values applied); it prints one JSON line
// per resource.
const readRelease = `
const {Package} = require('datapackage')
;(async () => {
  const dir = process.argv[2]
  const pkg = await Package.load(dir + '/datapackage.json', {basePath: dir})
  console.log(JSON.stringify({name: '', valid: pkg.valid, errors: pkg.errors.map(String)}))
  for (const r of pkg.resources) {
    if (!r.tabular || r.descriptor.format === 'xlsx') continue
    try {
      const rows = await r.read({cast: true, keyed: true})
      const first = rows[0] || {}
      console.log(JSON.stringify({name: r.name, rows: rows.length, fields: Object.keys(first)}))
    } catch (e) {
      console.log(JSON.stringify({name: r.name, errors: [String(e)].concat((e.errors || []).slice(0, 5).map(String))}))
    }
  }
})().catch(e => { console.error(e); process.exit(1) })
`

func installDatapackageJS(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("npm"); err != nil {
		pgtest.Missing(t, "npm is missing: scripts/test.sh installs it")
	}
	dir, _ := filepath.Abs(filepath.Join("..", "..", ".cache", "npm", "datapackage-js"))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "datapackage", "package.json")); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("npm", "install", "--prefix", dir, "--no-audit", "--no-fund", "--silent", datapackageJS)
		if out, err := cmd.CombinedOutput(); err != nil {
			pgtest.Missing(t, "no datapackage-js (npm install: %v)\n%s", err, out)
		}
	}
	return dir
}

// TestDatapackageJSReadsEveryTable is the external check of the release's
// descriptor: the reference v1 reader must accept it and read every table,
// the spreadsheet copies included, with as many rows as were written.
func TestDatapackageJSReadsEveryTable(t *testing.T) {
	npmDir := installDatapackageJS(t)
	set := syntheticEdition(t, 120, 9)
	res, err := Tabulate(set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rates := []Rate{{Dimension: Kind, Group: "commune", Label: "Commune", Frame: 400, Responded: 120, Percent: 30, Shown: true}}
	dir := t.TempDir()
	rows, err := WriteEdition(context.Background(), dir, set, res, rates, "test", time.Now(), "https://civiscope.example/barometre/2026")
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "read.js")
	if err := os.WriteFile(script, []byte(readRelease), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", script, dir)
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(npmDir, "node_modules"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("datapackage-js: %v\n%s", err, out)
	}
	read := map[string]int64{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r struct {
			Name   string
			Valid  *bool
			Rows   int64
			Fields []string
			Errors []string
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("datapackage-js printed %q: %v", line, err)
		}
		if len(r.Errors) > 0 || (r.Valid != nil && !*r.Valid) {
			t.Errorf("datapackage-js: %s: %s", r.Name, strings.Join(r.Errors, "; "))
		}
		if r.Name != "" {
			read[r.Name] = r.Rows
		}
	}
	tables := 0
	for file, n := range rows {
		if !strings.HasSuffix(file, ".csv") {
			continue
		}
		name := strings.TrimSuffix(file, ".csv")
		if strings.HasSuffix(file, export.ExcelFile("")) {
			name = strings.ReplaceAll(file, "_", "-") // named after its file
		}
		got, ok := read[name]
		if !ok {
			t.Errorf("datapackage-js did not read %s", file)
			continue
		}
		tables++
		if got != n {
			t.Errorf("datapackage-js reads %d rows of %s, want %d", got, file, n)
		}
	}
	if want := 2 * len(EditionData(set, res, rates, "test", time.Now(), "").Resources); tables != want {
		t.Errorf("datapackage-js read %d tables, want %d (every table and its spreadsheet copy): %v", tables, want, read)
	}
}
