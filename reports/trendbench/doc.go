// Package trendbench benchmarks the adoption trend queries over 500,000
// synthetic adoptions. It is a package of its own because building that data
// takes about a minute, which plain `go test` runs should not pay: the
// database is only built when benchmarks are asked for (-bench).
package trendbench
