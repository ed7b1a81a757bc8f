# This site's own part of the VCL (default.vcl includes it): where the app servers are, and who may purge.
backend app {
    .host = "127.0.0.1";
    .port = "8000";
}

acl purgers {
    "127.0.0.1";
    "::1";
}
