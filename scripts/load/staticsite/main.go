// Command staticsite serves a directory of files with the standard
// library's file server: the baseline of scripts/load/pages.sh, which
// compares Civiscope's pages with the same bytes served from disk.
package main

import (
	"flag"
	"log"
	"net/http"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18488", "listen address")
	dir := flag.String("dir", ".", "directory to serve")
	flag.Parse()
	srv := &http.Server{Addr: *addr, Handler: http.FileServer(http.Dir(*dir)), ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
