# relay-server's cluster tests (RelayClusterTest, RelayThreeNodeClusterTest, PostgresStoreTest, RedisBusTest) and
# lsp-server's RelayClusterFailoverTest / HaproxyClusterTest start their own PostgreSQL (initdb/pg_ctl into a
# temporary directory, as user postgres when run as root), redis-server and haproxy on free loopback ports, and skip
# when these are missing. Install the Debian packages only; no server is started here (the packages' own services
# may start on their default ports and are not used; Debian's default haproxy.cfg binds nothing).
weft_apt_install postgresql redis-server haproxy
