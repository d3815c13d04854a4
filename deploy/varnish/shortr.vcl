vcl 4.1;
# shortr behind Varnish 7 (Debian: apt-get install varnish varnish-modules). See docs/edge.md.
#
#   varnishd -F -a :80 -f /etc/varnish/shortr.vcl -s malloc,256m
#
# What it does:
# - caches short-link redirects (301, 302, 307, 308) for as long as shortr says: s-maxage, else max-age. shortr
#   sends s-maxage only with cdn.enabled: true, and only for links a shared cache may keep; private and no-store
#   answers (302/307 by default, click-limited links, cdn.countEveryClick) are never cached, nor is anything else
#   (the API, the UI, 404 and 410);
# - serves a stale copy while it refreshes it in the background, within the link's stale-while-revalidate;
# - serves a stale copy while shortr does not answer (or answers 5xx), within the link's stale-if-error (grace);
# - takes purges from the addresses in acl purgers: PURGE /<code> with an xkey header naming keys purges every
#   copy that carries one of them (shortr's purge courier sends "xkey: link-<code>", which also catches the
#   /<code>?query and /<code>/ copies); PURGE /<code> without one purges that URL alone;
# - tells shortr who the client is, in X-Forwarded-For: the address Varnish sees, and nothing the client sent,
#   since shortr takes the left-most address (set clicks.trustForwardedFor: true on the nodes, and let only
#   Varnish reach them; behind another proxy, take the address from it instead).

import std;
import xkey;

# the shortr node (several: a director from vmod_directors, or a load balancer such as haproxy in between)
backend shortr {
    .host = "127.0.0.1";
    .port = "8080";
    .connect_timeout = 1s;
    .first_byte_timeout = 10s;
}

# who may purge: this host, and the shortr nodes that run the purge courier (cdn.purge.varnish)
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.restarts == 0) {
        unset req.http.x-shortr-refresh;
        unset req.http.x-shortr-stale;
        # varnishd has appended client.ip to whatever the client claimed; shortr reads the left-most entry
        set req.http.X-Forwarded-For = client.ip;
    }
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey) {
            set req.http.x-shortr-purged = xkey.purge(req.http.xkey);
            return (synth(200, "Invalidated " + req.http.x-shortr-purged + " objects"));
        }
        return (purge);
    }
    # a short link: /<code>, /<code>/, with any query; the preview (/<code>+), the API and the UI go straight through
    if ((req.method == "GET" || req.method == "HEAD") && req.url ~ "^/[A-Za-z0-9_-]{1,64}/?(\?.*)?$") {
        # a redirect depends on neither: without this, a browser with a cookie for the short domain would never hit
        unset req.http.Cookie;
        unset req.http.Authorization;
        if (req.http.x-shortr-refresh && !req.http.x-shortr-stale) {
            # our copy is past stale-while-revalidate: fetch a new one now, and keep the old one in case that fails
            set req.hash_always_miss = true;
        } else {
            set req.hash_always_miss = false;
        }
        return (hash);
    }
    return (pass);
}

sub vcl_hit {
    if (obj.ttl >= 0s) {
        return (deliver); # fresh
    }
    if (req.http.x-shortr-stale) {
        return (deliver); # shortr failed just now: stale-if-error, for as long as the object's grace lasts
    }
    if (obj.ttl + std.duration(obj.http.x-shortr-swr, 0s) >= 0s) {
        return (deliver); # stale-while-revalidate: Varnish refreshes it in the background
    }
    # older than that: ask shortr first (vcl_recv sets hash_always_miss), and come back here only if it fails
    set req.http.x-shortr-refresh = "1";
    return (restart);
}

sub vcl_backend_response {
    if (beresp.status != 301 && beresp.status != 302 && beresp.status != 307 && beresp.status != 308) {
        if (bereq.is_bgfetch) {
            return (abandon); # a refresh that did not give a redirect: keep the copy we have
        }
        # only redirects are cached: everything else is fetched every time (hit-for-miss, as the built-in VCL does)
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # beresp.ttl comes from s-maxage, else max-age; Varnish 7.1 gives a 308 no lifetime at all, though RFC 9111 lets
    # it be cached like a 301, so its lifetime is read here
    if (beresp.status == 308 && beresp.ttl <= 0s) {
        if (beresp.http.Cache-Control ~ "s-maxage=[0-9]+") {
            set beresp.ttl = std.duration(regsub(beresp.http.Cache-Control, "^.*s-maxage=([0-9]+).*$", "\1s"), 0s);
        } elsif (beresp.http.Cache-Control ~ "(^|[ ,])max-age=[0-9]+") {
            set beresp.ttl = std.duration(regsub(beresp.http.Cache-Control, "^(.*[ ,])?max-age=([0-9]+).*$", "\2s"), 0s);
        }
    }
    # grace is how long a stale copy may be served at all: the longer of stale-while-revalidate and stale-if-error,
    # and none when shortr names neither (not Varnish's default of 10 s); vcl_hit tells the two apart by the
    # revalidation window kept on the object
    set beresp.http.x-shortr-swr = "0s";
    set beresp.grace = 0s;
    if (beresp.http.Cache-Control ~ "stale-while-revalidate=[0-9]+") {
        set beresp.http.x-shortr-swr = regsub(beresp.http.Cache-Control, "^.*stale-while-revalidate=([0-9]+).*$", "\1s");
        set beresp.grace = std.duration(beresp.http.x-shortr-swr, 0s);
    }
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+" &&
        std.duration(regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\1s"), 0s) > beresp.grace) {
        set beresp.grace = std.duration(regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\1s"), 0s);
    }
    # xkey indexes the xkey header; shortr sends its keys in cdn.keyHeader, Surrogate-Key by default
    if (beresp.http.Surrogate-Key && !beresp.http.xkey) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # the built-in VCL runs next: private, no-store, no-cache and max-age=0 make it a hit-for-miss
}

sub vcl_backend_error {
    if (bereq.is_bgfetch) {
        return (abandon); # shortr is down: keep serving the copy we have
    }
}

sub vcl_deliver {
    if (resp.status >= 500 && req.http.x-shortr-refresh && !req.http.x-shortr-stale) {
        # shortr failed while our copy was too old to serve unasked: serve it after all (stale-if-error)
        set req.http.x-shortr-stale = "1";
        return (restart);
    }
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # the rest is for this cache only: a browser or a proxy further down keeps the redirect for max-age at most,
    # since no purge ever reaches it
    unset resp.http.x-shortr-swr;
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    if (resp.http.Cache-Control) {
        set resp.http.Cache-Control = regsuball(resp.http.Cache-Control, ", (s-maxage|stale-while-revalidate|stale-if-error)=[0-9]+", "");
    }
}
