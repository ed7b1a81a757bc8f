# Varnish in front of the soundtrack site (README.md beside this file). The app decides what may be kept: Varnish
# keeps only what it marks for shared caches (s-maxage), by the surrogate keys in its `xkey` header, until the app
# purges them. These rules keep to the app's page cache (pagecache/middleware.py, _is_public_read and
# PAGE_CACHE_EXCLUDED_PREFIXES): whatever it would not serve from its cache, Varnish passes; so do readers with
# comments of their own or a message waiting (the app fills such a reader's own values into the pages it shares).
vcl 4.1;

import xkey;

# The app servers and who may purge: this site's own (the example is one app server on this machine).
include "site.vcl";

sub vcl_recv {
    # Only Varnish tells the app it fetches a page to keep (vcl_backend_fetch).
    unset req.http.Surrogate-Capability;
    call keep_by_encoding;
    if (req.restarts == 0) {
        unset req.http.X-Signed-In-Cookie;
    } elsif (req.http.X-Signed-In-Cookie) {
        # A page no reader without an account is shown (vcl_deliver: a draft staff may preview): the signed-in
        # reader's own, from the app.
        set req.http.Cookie = req.http.X-Signed-In-Cookie;
        unset req.http.X-Signed-In-Cookie;
        return (pass);
    }

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
    if (req.url ~ "^/(admin/|comments/|healthz|search/)") {
        return (pass);
    }
    # The comments this browser posted or a message waiting: the page is this reader's own. A client that has just
    # written (recent_write, set when the site reads from replicas) reads its write from the app.
    if (req.http.Cookie ~ "(^|;\s*)(own_comments|messages|recent_write)=" || req.http.Authorization) {
        return (pass);
    }
    # Any other reader, signed in or not, shares the kept copy: what is theirs in a page comes by script (the comment
    # form's name, email and CSRF token when they start on it, static/js/comment-form.js; staff's admin link,
    # static/js/staff-links.js). The rest of Cookie (the session, a CSRF cookie) changes nothing the page shows:
    # dropped, so every such reader shares a copy; a signed-in reader's is kept aside for vcl_deliver.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        set req.http.X-Signed-In-Cookie = req.http.Cookie;
    }
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
    unset bereq.http.X-Signed-In-Cookie;  # a kept page is fetched as no one's
    # A page Varnish may keep for every reader is asked for as such: the app leaves its per-view values out (the
    # comment form's token, which the form's script fetches), so every view is the kept page, whole. A page it
    # passes (a reader with comments of their own, a message waiting) comes with its values in.
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
    set beresp.grace = 0s;
}

sub vcl_deliver {
    # Not found for every reader, it may be there for this signed-in one (a draft staff preview): asked again as
    # theirs (vcl_recv).
    if (resp.status == 404 && req.http.X-Signed-In-Cookie && req.restarts == 0) {
        return (restart);
    }
    unset req.http.X-Signed-In-Cookie;
    if (req.http.X-Cache-Decision == "pass") {
        set resp.http.X-Cache = "pass";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
    unset resp.http.xkey;
}
