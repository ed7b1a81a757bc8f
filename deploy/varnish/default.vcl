# Varnish in front of the soundtrack site (README.md beside this file). The app decides what may be kept: Varnish
# keeps only what it marks for shared caches (s-maxage), by the surrogate keys in its `xkey` header, until the app
# purges them. These rules keep to the app's page cache (pagecache/middleware.py, _is_public_read and
# PAGE_CACHE_EXCLUDED_PREFIXES): whatever it would not serve from its cache, Varnish passes; so does any request
# with a session (the app fills such a reader's own values into the pages it shares with them).
vcl 4.1;

import xkey;

# The app servers and who may purge: this site's own (the example is one app server on this machine).
include "site.vcl";

sub vcl_recv {
    # Only Varnish tells the app it fetches a page to keep (vcl_backend_fetch).
    unset req.http.Surrogate-Capability;
    call keep_by_encoding;

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Per-view values (the comment form's token, fetched by the form's script): the same for every reader, kept a
    # second at most.
    if (req.url ~ "^/slots/") {
        unset req.http.Cookie;
        return (hash);
    }
    if (req.url ~ "^/(admin/|comments/|healthz|search/)") {
        return (pass);
    }
    # A session (signed in), the comments this browser posted or a message waiting: the page is this reader's own. A
    # client that has just written (recent_write, set when the site reads from replicas) reads its write from the app.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|own_comments|messages|recent_write)=" || req.http.Authorization) {
        return (pass);
    }
    # Anything else in Cookie (a CSRF cookie left by the admin's sign-in page, a staff hint that outlived its
    # session) changes nothing the app shows a reader without a session: dropped, so every such reader shares a copy.
    unset req.http.Cookie;
    return (hash);
}

# Browsers that take gzip get a copy kept compressed, as the app sent it; clients that do not, a copy kept plain.
# Neither is unpacked on a hit (vcl_hash, vcl_backend_fetch). A pass is compressed as its reader takes.
sub keep_by_encoding {
    unset req.http.X-Gzip-Copy;
    if (req.http.Accept-Encoding ~ "gzip") {
        set req.http.X-Gzip-Copy = "1";
    }
}

sub vcl_hash {
    if (req.http.X-Gzip-Copy) {
        hash_data("gzip");
    }
}

sub vcl_pass {
    set req.http.X-Cache-Decision = "pass";
}

sub vcl_backend_fetch {
    # A page Varnish may keep for every reader is asked for as such: the app leaves its per-view values out (the
    # comment form's token, which the form's script fetches), so every view is the kept page, whole. A page it
    # passes (a reader with a session) comes with its values in.
    if (!bereq.uncacheable) {
        set bereq.http.Surrogate-Capability = {"varnish="Surrogate/1.0""};
    }
    if (!bereq.http.X-Gzip-Copy) {
        # The plain copy is fetched plain (Varnish asks for gzip by itself), so no hit unpacks it.
        unset bereq.http.Accept-Encoding;
    }
}

sub vcl_backend_response {
    # Kept only when the app says shared caches may keep it, and for as long as it says (a scheduled change
    # shortens it): never past that, not even to serve it stale while fetching it again.
    if (beresp.http.Cache-Control !~ "(s-maxage|max-age)=[1-9]") {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    if (bereq.url ~ "^/slots/") {
        # A per-view value: half its life fresh, the other half served while one fetch refreshes it in the
        # background, so no reader waits on the app for it (the value is never older than the app allows).
        set beresp.ttl = beresp.ttl / 2;
        set beresp.grace = beresp.ttl;
        return (deliver);
    }
    set beresp.grace = 0s;
}

sub vcl_deliver {
    if (req.http.X-Cache-Decision == "pass") {
        set resp.http.X-Cache = "pass";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
    unset resp.http.xkey;
}
