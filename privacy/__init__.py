"""What the site keeps about a person who commented or follows, by email address: exported on request, erased on
request. Each app that keeps such data registers how to export and erase it (``registry.register``) in its
AppConfig.ready(); this app imports none of them."""
