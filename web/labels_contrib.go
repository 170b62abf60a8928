package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/moderation"
)

// A moderation or history screen names things as a reader knows them: a
// person by name, a tool, vendor or collectivité by name with a link, a
// field by its label and an enumerated value by its label, in the page's
// language. labeller resolves the ids once per request.
type labeller struct {
	ctx       context.Context
	h         *Handler
	lang      Lang
	cat       *Catalogue
	moderator bool // moderators see an address where a person gave no name
	users     map[int64]*account.User
	tools     map[int64]*directory.Tool
	vendors   map[int64]*directory.Vendor
	places    map[int64]*territory.Territory
}

func (h *Handler) labeller(r *http.Request) *labeller {
	return &labeller{ctx: r.Context(), h: h, lang: RequestLang(r), cat: h.rd.Catalogue(),
		moderator: currentUser(r).CanModerate(), users: map[int64]*account.User{},
		tools: map[int64]*directory.Tool{}, vendors: map[int64]*directory.Vendor{}, places: map[int64]*territory.Territory{}}
}

// link is a name, with the page that shows it when there is one.
type link struct {
	Text string
	URL  string
}

// Person names an account: its display name, or for a moderator its
// address, or "contributor #N"; a deleted account says so.
func (l *labeller) Person(id int64) link {
	if id == 0 {
		return link{Text: l.cat.T(l.lang, "contrib.crawler")}
	}
	u := cached(l.users, id, func() (*account.User, error) { return account.Get(l.ctx, l.h.db, id) })
	switch {
	case u == nil:
		return link{Text: l.cat.T(l.lang, "contrib.person", id)}
	case u.Deleted():
		return link{Text: l.cat.T(l.lang, "contrib.history.deleted")}
	case u.DisplayName != "":
		return link{Text: u.DisplayName}
	case l.moderator && u.Email != "":
		return link{Text: u.Email, URL: "mailto:" + u.Email}
	}
	return link{Text: l.cat.T(l.lang, "contrib.person", id)}
}

// Actor names a revision's author ("user:12", "crawler", "importer:…").
func (l *labeller) Actor(actor string) link {
	kind, rest, _ := strings.Cut(actor, ":")
	switch kind {
	case "user":
		if id, err := strconv.ParseInt(rest, 10, 64); err == nil {
			return l.Person(id)
		}
	case "deleted user":
		return link{Text: l.cat.T(l.lang, "contrib.history.deleted")}
	case "crawler", "curator", "import", "seed":
		return link{Text: l.cat.T(l.lang, "contrib.actor."+kind) + suffix(rest)}
	}
	return link{Text: actor}
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// Entity names a directory entity or a collectivité, linked to its page.
func (l *labeller) Entity(kind string, id int64) link {
	if id == 0 {
		return link{}
	}
	switch kind {
	case "tool":
		if t := l.tool(id); t != nil {
			return link{Text: t.Name, URL: "/outils/" + t.Slug}
		}
	case "vendor":
		if v := cached(l.vendors, id, func() (*directory.Vendor, error) { return directory.GetVendorByID(l.ctx, l.h.db, id) }); v != nil {
			return link{Text: v.Name, URL: "/editeurs/" + v.Slug}
		}
	case "territory":
		if t := l.place(id); t != nil {
			return link{Text: t.Name, URL: "/territoires/" + string(t.Kind) + "/" + url.PathEscape(t.Code)}
		}
	case "adoption":
		return link{Text: l.cat.T(l.lang, "contrib.entity.adoption", id), URL: fmt.Sprintf("/historique/adoption/%d", id)}
	}
	return link{Text: l.cat.T(l.lang, "contrib.entity."+kind, id)}
}

func (l *labeller) tool(id int64) *directory.Tool {
	return cached(l.tools, id, func() (*directory.Tool, error) { return directory.GetToolByID(l.ctx, l.h.db, id) })
}

func (l *labeller) place(id int64) *territory.Territory {
	return cached(l.places, id, func() (*territory.Territory, error) { return territory.GetByID(l.ctx, l.h.db, id) })
}

// cached reads an entity once per page; one that cannot be read (deleted
// since) is remembered as nil and shown by its number.
func cached[T any](seen map[int64]*T, id int64, get func() (*T, error)) *T {
	x, ok := seen[id]
	if !ok {
		x, _ = get()
		seen[id] = x
	}
	return x
}

// diffRow is one line of a diff as a reader sees it.
type diffRow struct {
	Field    string // the internal name, kept for anchors and tests
	Label    string
	Old, New link
}

// shownAs maps the fields whose value is an id to the entity it names; the
// proposal's display-only copies of those names ("tool", "territory") are
// then redundant.
var shownAs = map[string]string{"tool_id": "tool", "territory_id": "territory", "vendor_id": "vendor"}

// Diff labels a proposal's or a revision's diff.
func (l *labeller) Diff(rows []moderation.FieldDiff, payload map[string]any) []diffRow {
	out := make([]diffRow, 0, len(rows))
	for _, d := range rows {
		if (d.Field == "tool" && payload["tool_id"] != nil) || (d.Field == "territory" && payload["territory_id"] != nil) {
			continue
		}
		out = append(out, diffRow{Field: d.Field, Label: l.cat.FieldLabel(l.lang, d.Field),
			Old: l.value(d.Field, d.Old), New: l.value(d.Field, d.New)})
	}
	return out
}

// value labels one value of a field.
func (l *labeller) value(field, text string) link {
	if text == "" {
		return link{}
	}
	if kind, ok := shownAs[field]; ok {
		if id, err := strconv.ParseInt(text, 10, 64); err == nil {
			return l.Entity(kind, id)
		}
	}
	var opts []directory.Option
	switch field {
	case "business_model":
		opts = directory.BusinessModels()
	case "hosting":
		opts = directory.Hostings()
	case "lifecycle":
		opts = directory.Lifecycles()
	case "accessibility":
		opts = directory.Accessibilities()
	case "status":
		opts = directory.AdoptionStatuses()
	case "source_kind":
		opts = directory.SourceKinds()
	case "declared_by_agent", "open_source":
		return link{Text: l.cat.T(l.lang, "contrib.bool."+text)}
	case "categories", "category":
		var names []string
		for _, c := range strings.Split(text, ", ") {
			if cat, ok := directory.CategoryBySlug(c); ok {
				names = append(names, cat.Label.In(string(l.lang)))
			} else {
				names = append(names, c)
			}
		}
		return link{Text: strings.Join(names, ", ")}
	}
	for _, o := range opts {
		if o.Value == text {
			return link{Text: o.Label.In(string(l.lang))}
		}
	}
	return link{Text: text}
}

// AuditReason is an audit entry's reason with the account an agent decision
// names ("account #N") shown by name.
func (l *labeller) AuditReason(e moderation.AuditEntry) string {
	if rest, ok := strings.CutPrefix(e.Reason, "account #"); ok && strings.HasSuffix(e.Action, "-agent") {
		if id, err := strconv.ParseInt(rest, 10, 64); err == nil {
			return l.Person(id).Text
		}
	}
	return e.Reason
}

// The sources that moderation writes on revisions (moderation.by, Revert,
// undoEdit), read back so that a history says them in the page's language
// with names instead of account ids. Any other source (an import's file)
// shows as written.
var (
	approvedSource  = regexp.MustCompile(`^proposal #([0-9]+), approved by user:([0-9]+)$`)
	publishedSource = regexp.MustCompile(`^proposal #([0-9]+), published directly by a verified vendor$`)
	rejectedSource  = regexp.MustCompile(`(?s)^proposal #([0-9]+) rejected after publication: (.*)$`)
	revertSource    = regexp.MustCompile(`(?s)^revert of revision #([0-9]+): (.*)$`)
)

// Source says a revision's source.
func (l *labeller) Source(src string) string {
	num := func(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }
	if m := approvedSource.FindStringSubmatch(src); m != nil {
		return l.cat.T(l.lang, "contrib.source.approved", num(m[1]), l.Person(num(m[2])).Text)
	}
	if m := publishedSource.FindStringSubmatch(src); m != nil {
		return l.cat.T(l.lang, "contrib.source.published", num(m[1]))
	}
	if m := rejectedSource.FindStringSubmatch(src); m != nil {
		return l.cat.T(l.lang, "contrib.source.rejected", num(m[1]), m[2])
	}
	if m := revertSource.FindStringSubmatch(src); m != nil {
		return l.cat.T(l.lang, "contrib.source.revert", num(m[1]), m[2])
	}
	return src
}
