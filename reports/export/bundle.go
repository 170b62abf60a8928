package export

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteAll writes ds into dir in every format: NAME.csv, NAME_excel.csv
// (see WriteExcelCSV) and NAME.json per resource, DATASET.xlsx with sum as its first sheet, and datapackage.json
// describing the CSV files with their checksums. It returns the data rows
// per file.
func WriteAll(ctx context.Context, dir string, ds Dataset, sum Summary) (map[string]int64, error) {
	rows := map[string]int64{}
	files := map[string]File{}
	for _, r := range ds.Resources {
		for _, kind := range []string{"csv", "excel", "json"} {
			name := r.Name + "." + kind
			if kind == "excel" {
				name = ExcelFile(r.Name)
			}
			n, err := writeFile(filepath.Join(dir, name), func(f *os.File) (int64, error) {
				switch kind {
				case "csv":
					return WriteCSV(ctx, f, r)
				case "excel":
					return WriteExcelCSV(ctx, f, r)
				}
				return WriteJSON(ctx, f, r)
			})
			if err != nil {
				return nil, err
			}
			rows[name] = n
			if kind == "csv" {
				h, err := HashFile(filepath.Join(dir, name))
				if err != nil {
					return nil, err
				}
				files[name] = h
			}
		}
	}
	xlsx := ds.Name + ".xlsx"
	var perSheet map[string]int64
	_, err := writeFile(filepath.Join(dir, xlsx), func(f *os.File) (int64, error) {
		var err error
		perSheet, err = WriteXLSX(ctx, f, ds, sum)
		return 0, err
	})
	if err != nil {
		return nil, err
	}
	for _, n := range perSheet {
		rows[xlsx] += n
	}
	// Every other file of the release is listed too; the descriptor and
	// SHA256SUMS cannot hold their own checksums and stay out.
	extra := []string{xlsx}
	for _, r := range ds.Resources {
		extra = append(extra, ExcelFile(r.Name), r.Name+".json")
	}
	extra = append(extra, ds.Files...)
	for _, name := range extra {
		h, err := HashFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		files[name] = h
	}
	pkg := NewPackage(ds, files)
	for _, name := range extra {
		res := fileResource(name, files[name])
		if strings.HasSuffix(name, "_excel.csv") {
			res.Encoding, res.Dialect = "utf-8", &Dialect{Delimiter: ";", Header: true}
			res.Description = "Copie pour tableur (Excel, LibreOffice) : UTF-8 avec BOM, « ; », virgule décimale. Spreadsheet copy: UTF-8 with BOM, semicolons, decimal commas."
		}
		pkg.Resources = append(pkg.Resources, res)
	}
	b, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("datapackage.json: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "datapackage.json"), append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("write datapackage.json: %w", err)
	}
	return rows, nil
}

// FilesNote says how the CSV files are written, for descriptions and
// codebooks.
const FilesNote = "NAME.csv is the reference (RFC 4180, UTF-8 without BOM, comma, decimal point), read by the data package, R and Stata; NAME_excel.csv is the same table for a spreadsheet set to French (UTF-8 with BOM so that accents survive, semicolons, decimal commas); microdata*_spss.csv are for SPSS/PSPP (line breaks inside answers written \" / \")."

// writeFile creates path, runs write and syncs, so a release never holds a
// half-written file that looks complete.
func writeFile(path string, write func(*os.File) (int64, error)) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", filepath.Base(path), err)
	}
	n, err := write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return n, nil
}

// fileResource describes a file that is not a CSV table.
func fileResource(name string, f File) PackageRes {
	ext := strings.TrimPrefix(filepath.Ext(name), ".")
	return PackageRes{
		Schema: ResourceProfile, Name: strings.ToLower(strings.ReplaceAll(name, "_", "-")), Path: name,
		Format: strings.ToLower(ext), MediaType: MediaType(name), Bytes: f.Bytes, Hash: "sha256:" + f.SHA256,
	}
}
