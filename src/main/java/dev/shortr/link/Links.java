package dev.shortr.link;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The link use cases shared by the REST API and the CLI: create (one or many), read, update, delete, list.
 * Pure domain logic over a {@link LinkStore}; no transport concerns.
 */
public final class Links {
    public static final int MAX_BULK = 1000;
    private static final int ATTEMPTS_PER_LENGTH = 4;

    private final LinkStore store;
    private final CodeGenerator codes;
    private final DomainBlocklist blocklist;
    private final Clock clock;

    public Links(LinkStore store, CodeGenerator codes, DomainBlocklist blocklist, Clock clock) {
        this.store = store;
        this.codes = codes;
        this.blocklist = blocklist;
        this.clock = clock;
    }

    public LinkStore store() {
        return store;
    }

    public Outcome create(LinkSpec spec, String owner) {
        Link draft;
        try {
            draft = draft(spec, owner);
        } catch (InvalidInputException e) {
            return new Outcome.Invalid(e.field(), e.getMessage());
        }
        if (Boolean.TRUE.equals(spec.reuse())) {
            Optional<Link> existing = store.findByTarget(owner, draft.target().value());
            if (existing.isPresent()) {
                return new Outcome.Created(existing.get(), true);
            }
        }
        if (spec.code() != null) {
            return switch (store.insert(draft)) {
                case Insert.Inserted i -> new Outcome.Created(i.link(), false);
                case Insert.CodeTaken t -> new Outcome.AliasTaken(t.code());
            };
        }
        int length = codes.length();
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0 && attempt % ATTEMPTS_PER_LENGTH == 0) {
                length++; // the space is crowded: grow rather than spin
            }
            Link candidate = withCode(draft, codes.next(length));
            if (store.insert(candidate) instanceof Insert.Inserted i) {
                return new Outcome.Created(i.link(), false);
            }
        }
    }

    /** Creates up to {@value #MAX_BULK} links in one durable transaction; one outcome per spec, in order. */
    public List<Outcome> createAll(List<LinkSpec> specs, String owner) {
        if (specs.size() > MAX_BULK) {
            throw new InvalidInputException("links", "at most " + MAX_BULK + " links per bulk request");
        }
        Outcome[] out = new Outcome[specs.size()];
        List<Link> drafts = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            LinkSpec spec = specs.get(i);
            try {
                Link d = draft(spec, owner);
                if (Boolean.TRUE.equals(spec.reuse())) {
                    Optional<Link> existing = store.findByTarget(owner, d.target().value());
                    if (existing.isPresent()) {
                        out[i] = new Outcome.Created(existing.get(), true);
                        continue;
                    }
                }
                drafts.add(spec.code() != null ? d : withCode(d, codes.next()));
                slots.add(i);
            } catch (InvalidInputException e) {
                out[i] = new Outcome.Invalid(e.field(), e.getMessage());
            }
        }
        List<Insert> results = store.insertAll(drafts);
        for (int k = 0; k < results.size(); k++) {
            int i = slots.get(k);
            out[i] = switch (results.get(k)) {
                case Insert.Inserted ins -> new Outcome.Created(ins.link(), false);
                // a generated code that collided inside the batch is retried alone
                case Insert.CodeTaken t -> specs.get(i).code() != null ? new Outcome.AliasTaken(t.code())
                        : create(specs.get(i), owner);
            };
        }
        return List.of(out);
    }

    public Optional<Link> get(ShortCode code) {
        return store.find(code);
    }

    public Optional<Link> update(ShortCode code, LinkPatch patch) {
        return store.update(code, current -> apply(current, patch));
    }

    public boolean delete(ShortCode code) {
        return store.delete(code);
    }

    public Page<Link> list(LinkQuery query) {
        return store.list(query);
    }

    private Link draft(LinkSpec spec, String owner) {
        TargetUrl target = TargetUrl.parse(spec.url(), blocklist);
        ShortCode code;
        if (spec.code() != null) {
            String problem = ShortCode.problem(spec.code());
            if (problem != null) {
                throw new InvalidInputException("code", problem);
            }
            code = new ShortCode(spec.code());
        } else {
            code = new ShortCode("pending"); // replaced before insert
        }
        RedirectType type = redirectType(spec.redirect());
        Instant now = clock.instant();
        if (spec.expiresAt() != null && !spec.expiresAt().isAfter(now)) {
            throw new InvalidInputException("expiresAt", "expiresAt must be in the future");
        }
        checkExpiry(spec.expiresAt());
        return new Link(0, code, target, type, spec.cacheSeconds(), Boolean.TRUE.equals(spec.forwardQuery()),
                spec.expiresAt(), spec.maxClicks(), normaliseTags(spec.tags()), blankToNull(spec.title()), owner,
                false, now, now, 0, !Boolean.FALSE.equals(spec.track()), spec.cdnSeconds());
    }

    private Link apply(Link c, LinkPatch p) {
        TargetUrl target = p.url() != null ? TargetUrl.parse(p.url(), blocklist) : c.target();
        RedirectType type = p.redirect() != null ? redirectType(p.redirect()) : c.redirect();
        Integer cache = p.cacheSeconds() != null ? p.cacheSeconds().orElse(null) : c.cacheSeconds();
        boolean forward = p.forwardQuery() != null ? p.forwardQuery() : c.forwardQuery();
        Instant expires = p.expiresAt() != null ? p.expiresAt().orElse(null) : c.expiresAt();
        checkExpiry(expires);
        Long max = p.maxClicks() != null ? p.maxClicks().orElse(null) : c.maxClicks();
        List<String> tags = p.tags() != null ? normaliseTags(p.tags()) : c.tags();
        String title = p.title() != null ? blankToNull(p.title().orElse(null)) : c.title();
        boolean disabled = p.disabled() != null ? p.disabled() : c.disabled();
        boolean track = p.track() != null ? p.track() : c.track();
        Integer cdn = p.cdnSeconds() != null ? p.cdnSeconds().orElse(null) : c.cdnSeconds();
        return new Link(c.id(), c.code(), target, type, cache, forward, expires, max, tags, title, c.owner(), disabled,
                c.createdAt(), clock.instant(), c.seq(), track, cdn);
    }

    /** Beyond year 9999 timestamps stop fitting RFC 3339 and epoch-millisecond columns. */
    private static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

    private static void checkExpiry(Instant expiresAt) {
        if (expiresAt != null && expiresAt.isAfter(LATEST_EXPIRY)) {
            throw new InvalidInputException("expiresAt", "expiresAt must be before the year 10000");
        }
    }

    private static RedirectType redirectType(Integer status) {
        if (status == null) {
            return RedirectType.DEFAULT;
        }
        try {
            return RedirectType.of(status);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("redirect", e.getMessage());
        }
    }

    private static List<String> normaliseTags(List<String> tags) {
        if (tags == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String t : tags) {
            Link.checkTag(t);
            String s = t.strip();
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Link withCode(Link d, ShortCode code) {
        return new Link(d.id(), code, d.target(), d.redirect(), d.cacheSeconds(), d.forwardQuery(), d.expiresAt(),
                d.maxClicks(), d.tags(), d.title(), d.owner(), d.disabled(), d.createdAt(), d.updatedAt(), d.seq(), d.track(),
                d.cdnSeconds());
    }
}
