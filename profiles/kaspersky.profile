# Kaspersky Security Center 14.2 (Windows): which flows a gateway must let
# through. Written from the vendor's help topics in shared/seeds (Italian).
#
# The document describes the same numbered arrows in several deployment
# schemes (Topics 183039 LAN, 183040 hierarchy, 183051 reverse proxy, 183056
# connection gateway, 183058 server in the DMZ) and then one table of ports
# per component interaction (Topics 158522-178949). A flow below cites the
# first scheme that shows the arrow and the table that names the port.
#
# Not in this profile (no flow), and why:
# - Item 7 of every scheme: traffic between applications on one device
#   ("Non è necessaria l'apertura di porte esterne"): same-host, a gateway
#   never sees it.
# - Items 10-13 (Topic 183051 and later): Administration Server / iOS MDM
#   server to Google and Apple push servers, and those servers to the mobile
#   devices. The document gives no port or protocol for them, and the last
#   two never cross the site's gateway.
# - Item 15: mobile device to the Kaspersky infrastructure, and item 5:
#   managed devices "direttamente via Internet" to Kaspersky servers: no port
#   or protocol given. (Item 15's fallback through the server, port 17100,
#   is flow mobile-activation.)
# - Item 16: package requests from managed devices to the Web Server on the
#   Administration Server's device: the document gives no port.
# - The ports of a reverse proxy's own front end (Topic 183051, "un proxy
#   inverso a scelta"): third-party product, not in the document.

profile kaspersky
description "Kaspersky Security Center 14.2: Network Agents, Administration Server, consoles, distribution points, gateways, mobile"
product "Kaspersky Security Center 14.2 for Windows"
document 003_8519db711b76d74c.txt "Kaspersky Security Center 14.2 Windows: deployment schemes, component interaction schemes and their ports"

role server             "Administration Server (klserver); the primary server in a hierarchy"
role agent              "managed device running Network Agent (klnagent) and a Kaspersky protection application"
role console            "administrator's machine: MMC-based Administration Console, or the browser of the Web Console"
role secondary-server   "secondary Administration Server in a server hierarchy"
role distribution-point "distribution point (formerly Update Agent): a Network Agent that serves updates to other agents"
role gateway            "connection gateway: a Network Agent (often a distribution point) relaying agents to the server"
role web-console        "Kaspersky Security Center Web Console Server (Node.js), on the server or on another machine"
role mobile             "mobile device with Kaspersky Security for Mobile or an iOS MDM profile"
role reverse-proxy      "reverse proxy (e.g. Microsoft Forefront TMG) in front of the server for mobile devices"
role db                 "DBMS holding the Administration Server database (SQL Server, MySQL, MariaDB)"
role internet           "Kaspersky servers on the Internet: updates, KSN, licensing"

option legacy           "Network Agents on the non-TLS port 14000 of older Kaspersky Security Center versions"
option external-db      "database on another machine than the Administration Server (SQL Server 1433, MySQL/MariaDB 3306)"
option hierarchy        "hierarchy of Administration Servers: primary and secondary servers connect on 13000, consoles on 13291"
option distribution-point "distribution points: agents connect to them, they multicast to agents and send updates"
option push-server      "a distribution point used as push server (agents connect to it on 13295)"
option gateway          "connection gateway (e.g. in the DMZ): agents and the server connect to it on 13000"
option gateway-segment  "connection gateway in a network segment that itself connects to the server on 13000"
option web-console      "Kaspersky Security Center Web Console (browser 8080, Web Console Server to OpenAPI 13299)"
option mobile           "mobile devices: management 13292/13293, activation 17100, iOS MDM 443"
option reverse-proxy    "reverse proxy forwarding mobile devices' connections to the server on 13292/13293"
option broadcast-domain "Network Agents' requests to each other inside one broadcast domain (seen only by a bridging gateway)"

# ---- Administration Server and Network Agents (on by default) ----

flow agent-server
	proto       tcp
	ports       13000
	direction   agent -> server
	description "Network Agents connect to the Administration Server over TLS (port SSL/TLS 13000, recommended)"
	source      003_8519db711b76d74c.txt "Topic 183039 (LAN scheme), item 4; Topic 158545, table row 'Administration Server 13000 klserver TCP'"

flow agent-shutdown
	proto       udp
	ports       13000
	direction   agent -> server
	description "Network Agent reports that its managed device is shutting down (UDP 13000)"
	source      003_8519db711b76d74c.txt "Topic 183039 (LAN scheme), item 3"

flow server-agent-wakeup
	proto       udp
	ports       15000
	direction   server -> agent
	description "Administration Server sends communication requests (wake-up) to non-mobile managed devices on UDP 15000"
	source      003_8519db711b76d74c.txt "Topic 183039 (LAN scheme), item 2; Topic 158545, table row 'Network Agent 15000 klnagent UDP'"

# Item 5: "richiedono l'attivazione tramite la porta TCP 17000. Ciò non è
# necessario se il dispositivo dispone già dell'accesso a Internet". Kept on
# by default: agents behind an enforcing gateway usually have no direct
# Internet access, and the flow goes to the server only.
flow agent-activation
	proto       tcp
	ports       17000
	direction   agent -> server
	description "Managed devices (not mobile) request application activation through the server on TCP 17000 (not needed with direct Internet access)"
	source      003_8519db711b76d74c.txt "Topic 183039 (LAN scheme), item 5"

flow console-server
	proto       tcp
	ports       13291
	direction   console -> server
	description "MMC-based Administration Console connects to the Administration Server over TLS TCP 13291"
	source      003_8519db711b76d74c.txt "Topic 183039 (LAN scheme), item 6; Topic 158523, table row 'Administration Server 13291 klserver TCP'"

# Item 8 names the protocol (HTTPS), not a port number: 443 is the HTTPS port.
# "Se non si desidera concedere all'Administration Server l'accesso a
# Internet, è necessario gestire questi dati manualmente."
flow server-internet-https
	proto       tcp
	ports       443
	direction   server -> internet
	description "Administration Server exchanges KSN data, licence information, application and anti-virus database updates with Kaspersky servers over HTTPS"
	source      003_8519db711b76d74c.txt "Topic 183039 (LAN scheme), item 8"
	service     https

# ---- legacy ----

# Item 4: "può ricevere la connessione dai Network Agent tramite la porta non
# TLS 14000 ... è consigliabile utilizzare la porta TLS 13000". (The figure
# caption of Topic 158545 says "TLS TCP 14000", the text and table say no TLS.)
flow agent-server-legacy
	proto       tcp
	ports       14000
	direction   agent -> server
	description "Network Agents connect on the non-TLS port 14000 (earlier Kaspersky Security Center versions; 13000 is recommended)"
	source      003_8519db711b76d74c.txt "Topic 183039 (LAN scheme), item 4; Topic 158545, table row 'Administration Server 14000 klserver TCP No'"
	option      legacy

# ---- external database ----

# Item 1: needed only "Se si installa l'Administration Server e il database
# in diversi dispositivi"; 3306 and 1433 are given "ad esempio" and the
# document defers to the DBMS documentation. On one machine the traffic is
# same-host and needs no flow.
flow server-db
	proto       tcp
	ports       1433,3306
	direction   server -> db
	description "Administration Server writes to its database on another machine: SQL Server 1433, MySQL/MariaDB 3306 (DBMS ports are configurable: override)"
	source      003_8519db711b76d74c.txt "Topic 183039 (LAN scheme), item 1; Topic 158522 (Administration Server and DBMS)"
	option      external-db
	service     mssql
	service     mysql

# ---- hierarchy of Administration Servers ----

flow secondary-server
	proto       tcp
	ports       13000
	direction   secondary-server -> server
	description "A secondary Administration Server connects to the primary server over TLS TCP 13000"
	source      003_8519db711b76d74c.txt "Topic 183040 (hierarchy scheme), item 4; Topic 158532, table row 'Administration Server primario 13000'"
	option      hierarchy

# Topic 158529: a secondary server in the DMZ receives the connection from
# the primary ("riceve una connessione da un server primario").
flow server-secondary
	proto       tcp
	ports       13000
	direction   server -> secondary-server
	description "The primary Administration Server connects to a secondary server in the DMZ over TLS TCP 13000"
	source      003_8519db711b76d74c.txt "Topic 158529, table row 'Administration Server secondario 13000'"
	option      hierarchy

# "verificare che la porta 13291 sia accessibile in entrambi gli
# Administration Server"; afterwards only the primary's 13291 is needed.
flow console-secondary
	proto       tcp
	ports       13291
	direction   console -> secondary-server
	description "Administration Console connects to a secondary server on TLS TCP 13291 (needed when joining the hierarchy)"
	source      003_8519db711b76d74c.txt "Topic 158532 and Topic 158529, text before the traffic table"
	option      hierarchy

# ---- distribution points ----

# Topic 183039: "i punti di distribuzione sono necessari solo se il numero di
# dispositivi gestiti è sufficientemente elevato".
flow agent-dp
	proto       tcp
	ports       13000
	direction   agent -> distribution-point
	description "Network Agents connect to their distribution point over TLS TCP 13000"
	source      003_8519db711b76d74c.txt "Topic 158525, table row 'Punto di distribuzione 13000 klnagent TCP'"
	option      distribution-point

flow dp-agent-multicast
	proto       udp
	ports       15000
	direction   distribution-point -> agent
	description "Distribution point multicasts to Network Agents on UDP 15000"
	source      003_8519db711b76d74c.txt "Topic 158525, text and table row 'Network Agent 15000 klnagent UDP'"
	option      distribution-point

flow dp-agent-updates
	proto       udp
	ports       15001
	direction   distribution-point -> agent
	description "Network Agents receive updates and installation packages from a distribution point on UDP 15001"
	source      003_8519db711b76d74c.txt "Topic 158525, table row 'Network Agent 15001 klnagent UDP'"
	option      distribution-point

# A push server here is a distribution point that agents keep a connection
# to; it is not remote push installation (SMB/RPC), which this document
# does not describe, hence the option name push-server and no `push` option.
flow agent-dp-push
	proto       tcp
	ports       13295
	direction   agent -> distribution-point
	description "Managed devices connect to a distribution point used as push server on TCP 13295"
	source      003_8519db711b76d74c.txt "Topic 158525, text ('se si utilizza il punto di distribuzione come server push') and table row 'Punto di distribuzione 13295'"
	option      push-server

# ---- connection gateway ----

flow agent-gateway
	proto       tcp
	ports       13000
	direction   agent -> gateway
	description "Network Agents (also off-site devices) connect to the connection gateway over TLS TCP 13000"
	source      003_8519db711b76d74c.txt "Topic 183056 (gateway scheme), item 4a; Topic 158530 and 158533, table row 'Network Agent 13000 klnagent TCP'"
	option      gateway

# Item 4a: the gateway in the DMZ cannot reach the server, so the server
# keeps a signal connection to it and opens the data connections itself.
flow server-gateway
	proto       tcp
	ports       13000
	direction   server -> gateway
	description "Administration Server connects to the connection gateway in the DMZ over TLS 13000 (permanent signal connection and data connections)"
	source      003_8519db711b76d74c.txt "Topic 183056 (gateway scheme), item 4a; Topic 158533"
	option      gateway

flow gateway-server
	proto       tcp
	ports       13000
	direction   gateway -> server
	description "A connection gateway in a network segment forwards agents' connections to the Administration Server over TLS TCP 13000"
	source      003_8519db711b76d74c.txt "Topic 158530, text and table row 'Administration Server 13000 klserver TCP'"
	option      gateway-segment

# ---- Web Console ----

# Item 9: the Web Console Server "può essere installato nello stesso
# dispositivo o in un altro dispositivo"; on the same device the 13299 flow
# is same-host.
flow webconsole-server
	proto       tcp
	ports       13299
	direction   web-console -> server
	description "Web Console Server connects to the Administration Server's OpenAPI over TLS TCP 13299"
	source      003_8519db711b76d74c.txt "Topic 183039 (LAN scheme), item 9; Topic 158534, table row 'Administration Server 13299 klserver TCP'"
	option      web-console

# 8080 is the HTTP-alternate port and the vendor deliberately runs its web
# console (HTTP over TLS, Node.js) there.
flow console-webconsole
	proto       tcp
	ports       8080
	direction   console -> web-console
	description "Administrator's browser connects to the Web Console Server over TLS TCP 8080"
	source      003_8519db711b76d74c.txt "Topic 183040 (hierarchy scheme), item 9a; Topic 158534, table row '8080 Node.js TCP'"
	option      web-console
	service     http-alt

# ---- mobile devices ----

# Items 10-17 are "Solo per i dispositivi mobili". Topic 178949's table
# describes 13292 as "Ricezione delle connessioni da Administration Console",
# but the topic is about mobile devices and its text says the managed
# application connects to the server on 13292; item 14 gives "13292 / 13293".
flow mobile-server
	proto       tcp
	ports       13292,13293
	direction   mobile -> server
	description "Managed application on mobile devices connects to the Administration Server over TLS TCP 13292/13293"
	source      003_8519db711b76d74c.txt "Topic 183051 (reverse proxy scheme), item 14; Topic 178949, text and table row 'Administration Server 13292'"
	option      mobile

flow mobile-gateway
	proto       tcp
	ports       13292,13293
	direction   mobile -> gateway
	description "Managed application on mobile devices connects to the connection gateway over TLS TCP 13292/13293"
	source      003_8519db711b76d74c.txt "Topic 183056 (gateway scheme), item 14"
	option      mobile

# Item 15 says the 17100 path is used "molto raramente" (mobile device
# without Internet access); Topic 178949 lists it as the activation port.
flow mobile-activation
	proto       tcp
	ports       17100
	direction   mobile -> server
	description "Mobile devices activate the application (and send data for Kaspersky) through the server's activation proxy klactprx on TLS TCP 17100"
	source      003_8519db711b76d74c.txt "Topic 183051 (reverse proxy scheme), item 15; Topic 178949, table row 'Administration Server 17100 klactprx TCP'"
	option      mobile

flow mobile-ios-mdm
	proto       tcp
	ports       443
	direction   mobile -> server
	description "iOS devices connect to the iOS MDM server on the Administration Server's device over TLS 443"
	source      003_8519db711b76d74c.txt "Topic 183051 (reverse proxy scheme), item 17"
	option      mobile
	service     https

flow mobile-ios-mdm-gateway
	proto       tcp
	ports       443
	direction   mobile -> gateway
	description "iOS devices connect to the iOS MDM server on the connection gateway over TLS 443"
	source      003_8519db711b76d74c.txt "Topic 183056 (gateway scheme), item 17"
	option      mobile
	service     https

# Topic 183051: mobile devices reach the server "direttamente o tramite un
# proxy inverso"; the proxy's own listening port is product-specific.
flow proxy-server-mobile
	proto       tcp
	ports       13292,13293
	direction   reverse-proxy -> server
	description "Reverse proxy forwards mobile devices' connections to the Administration Server on TLS TCP 13292/13293"
	source      003_8519db711b76d74c.txt "Topic 183051 (reverse proxy scheme), introduction and item 14"
	option      reverse-proxy

# ---- broadcast domain ----

# Item 2: "I Network Agent inviano richieste reciproche con un solo dominio
# di trasmissione" (used to find the broadcast domain's limits and to assign
# distribution points automatically). Within one broadcast domain a routing
# gateway never sees this; only a bridging gateway does, hence opt-in. The
# document gives no separate port: 15000/udp, the agents' port of item 2 and
# Topic 158545, is assumed.
flow agent-agent-discovery
	proto       udp
	ports       15000
	direction   agent -> agent
	description "Network Agents send requests to each other inside one broadcast domain (UDP 15000 assumed; see comment)"
	source      003_8519db711b76d74c.txt "Topic 183039 (LAN scheme), item 2, second paragraph; Topic 158545, table row 'Network Agent 15000 UDP Multicasting per Network Agent'"
	option      broadcast-domain
