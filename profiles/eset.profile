# ESET PROTECT (on-premises) -- written from ESET's Italian page "Porte
# utilizzate" (ports used), shared/seeds/000_4f79a8bc25234f51.txt.
# Documentation/profiles/eset.md has the port-by-port table.
#
# Tables of the document, as they are cited in `source` below:
#   table 1 "Client machine (ESET Management Agent) or ESET Bridge HTTP Proxy"
#   table 2 "ESET Management Agent: ports used for remote deployment" (Windows)
#   table 3 "ESET PROTECT Web Console machine (if different from the Server)"
#           -- a heading only: the document gives it no rows
#   table 4 "ESET PROTECT Server machine"
#   table 5 "Rogue Detection (RD) Sensor"
#   table 6 "ESET PROTECT MDC machine"
#   table 7 "MDM-managed device"
# The last sentence of the document says 2222 and 2223 can be changed
# ("Se necessario, è possibile modificare le porte predefinite 2222 e 2223"):
# change them with /etc/epgate/profiles.d/eset.override (flows agent-server,
# bridge-server, mdc-server for 2222; console-server for 2223).

profile eset
description "ESET PROTECT On-Prem: Management Agents, Web Console, ESET Bridge, RD Sensor, MDC/MDM"
product "ESET PROTECT On-Prem (Server, Management Agent, Web Console, ESET Bridge, Rogue Detection Sensor, Mobile Device Connector)"
document 000_4f79a8bc25234f51.txt "ESET PROTECT: ports used (Italian: Porte utilizzate)"

role server "ESET PROTECT Server, the management server"
role agent "ESET Management Agent on a managed computer (client machine); the target of remote agent deployment"
role console "ESET PROTECT Web Console machine (Apache Tomcat), when it is not the Server machine"
role bridge "ESET Bridge, ESET's HTTP proxy for agents and the Server"
role internet "ESET services on the Internet (ESET repository, ESET Push Notification Service, LiveGuard Advanced) and Apple/Google push services"
role db "external database server (Microsoft SQL Server or MySQL) on another machine"
role ad "Active Directory domain controller (LDAP synchronisation, Kerberos)"
role rd-sensor "ESET Rogue Detection Sensor machine"
role host "any computer the RD Sensor probes, managed or not"
role mdc "ESET PROTECT Mobile Device Connector (MDC) machine"
role device "mobile device (iOS or Android) managed by ESET MDM"
role apple-push "Apple Push Notification service and feedback hosts the MDC sends to (the names of table 6)"
role eset-mobile-update "ESET update and app-version hosts Android devices reach over HTTP (the names of table 7, row TCP 80)"

option push "remote deployment of the Management Agent to Windows computers (NetBIOS/SMB 137-139, 445)"
option bridge "ESET Bridge HTTP proxy (3128) and its connections on behalf of agents"
option rd-sensor "Rogue Detection Sensor probes of the network (SSH 22, NetBIOS/SMB 137, 139)"
option mobile "Mobile Device Connector and MDM-managed iOS/Android devices"
option external-db "database on a separate machine from the Server or the MDC (MS SQL 1433, MySQL 3306)"
option virtual-appliance "ESET PROTECT Virtual Appliance only: Kerberos tickets (UDP 88)"
option legacy "Apple push ports of ESMC up to 7.2.11.1 (2195, 2196)"

# The hostnames the document names, all in tables 6 and 7 (MDC and
# MDM-managed devices), cited like the ports.  A name is given to a role
# only where the names describe every destination of the role's flows, so
# that `enable eset --bind-hosts` narrows those flows and cuts nothing
# else: the MDC's three Apple push flows (role apple-push) and the
# devices' HTTP updates (role eset-mobile-update).  The five names of the
# devices' 443 row (i1.c.eset.com and i3.c.eset.com for LiveGrid,
# ts.eset.com, play.eset.com, suppreq.eset.eu) are not bound: the same row
# carries APNs over Wi-Fi, Google's push service and ESET's license
# portal, whose names the document does not give, so that flow stays on
# `internet`; bind internet= yourself (hostnames, prefixes) to narrow it.
host apple-push gateway.push.apple.com "table 6 (MDC machine), row TCP 2195: Apple Push Notification service (ESMC up to 7.2.11.1)"
host apple-push feedback.push.apple.com "table 6 (MDC machine), row TCP 2196: Apple feedback service (ESMC up to 7.2.11.1)"
host apple-push api.push.apple.com "table 6 (MDC machine), row HTTPS 2197: Apple push notification and feedback (ESMC 7.2.11.3 and later)"
host eset-mobile-update update.eset.com "table 7 (MDM-managed device), row TCP 80: module updates (Android)"
host eset-mobile-update go.eset.eu "table 7 (MDM-managed device), row TCP 80: app version information, web version only (Android)"

# ---------------------------------------------------------------- core

# 2222 is the ESET default for agent replication; it is also the usual
# alternative SSH port, which ESET does not run here: no `service ssh`, the
# lint warning is expected.
flow agent-server
	proto       tcp
	ports       2222
	direction   agent -> server
	description "Management Agents replicate with the ESET PROTECT Server (default 2222, configurable)"
	source      000_4f79a8bc25234f51.txt "table 1 (Client machine / ESET Bridge), row TCP 2222; table 4 (Server machine), row TCP 2222; last sentence (2222 can be changed)"

# Table 4 lists 2223 on the Server machine with the text "Risoluzione DNS e
# fallback MQTT" (DNS resolution and MQTT fallback) and names no initiator.
# Table 3 (the Web Console machine "se diversa dalla macchina ESET PROTECT
# Server") is empty in the document; 2223 is the port that machine uses to
# reach the Server, so the flow is console -> server.
flow console-server
	proto       tcp
	ports       2223
	direction   console -> server
	description "Web Console machine to the ESET PROTECT Server (default 2223, configurable; the document's text for it: DNS resolution and MQTT fallback)"
	source      000_4f79a8bc25234f51.txt "table 4 (Server machine), row TCP 2223; table 3 (Web Console machine, if separate); last sentence (2223 can be changed)"

flow agent-repository
	proto       tcp
	ports       80
	direction   agent -> internet
	description "Management Agent connects to the ESET repository (HTTP)"
	source      000_4f79a8bc25234f51.txt "table 1 (Client machine / ESET Bridge), row TCP 80"
	service     http

flow server-repository
	proto       tcp
	ports       80
	direction   server -> internet
	description "ESET PROTECT Server connects to the ESET repository (HTTP)"
	source      000_4f79a8bc25234f51.txt "table 4 (Server machine), row TCP 80"
	service     http

# ESET Push Notification Service: MQTT over TLS on 8883; "443 è la porta di
# failover". The agent keeps an outgoing connection to the cloud service and
# the Server's wake-up calls come back over it, so no inbound port on the
# agent. On 443 ESET runs MQTT over TLS, deliberately on the HTTPS port (the
# failover exists because firewalls let HTTPS out): `service https` says so.
flow agent-epns
	proto       tcp
	ports       8883,443
	direction   agent -> internet
	description "Management Agent to ESET Push Notification Service (MQTT 8883; 443 is the failover) for wake-up calls from the Server"
	source      000_4f79a8bc25234f51.txt "table 1 (Client machine / ESET Bridge), row MQTT 8883, 443"
	service     mqtt
	service     https

flow server-epns
	proto       tcp
	ports       8883
	direction   server -> internet
	description "ESET PROTECT Server to ESET Push Notification Service (MQTT) to send wake-up calls to agents"
	source      000_4f79a8bc25234f51.txt "table 4 (Server machine), row MQTT 8883"
	service     mqtt

# "Aprire questa porta anche sul controller AD": the Server queries the
# domain controller.
flow server-ldap
	proto       tcp
	ports       389
	direction   server -> ad
	description "ESET PROTECT Server synchronises with Active Directory over LDAP"
	source      000_4f79a8bc25234f51.txt "table 4 (Server machine), row TCP 389"
	service     ldap

# ---------------------------------------------------------------- options

# "vale solo per ESET PROTECT Virtual Appliance"
flow server-kerberos
	proto       udp
	ports       88
	direction   server -> ad
	description "Kerberos tickets from the domain controller (ESET PROTECT Virtual Appliance only)"
	source      000_4f79a8bc25234f51.txt "table 4 (Server machine), row UDP 88"
	option      virtual-appliance
	service     kerberos

# "solo se il database si trova su un'altra macchina": a database on the
# Server machine is same-host traffic that the gateway never sees.
flow server-db
	proto       tcp
	ports       1433,3306
	direction   server -> db
	description "ESET PROTECT Server to its database on another machine (Microsoft SQL 1433 or MySQL 3306)"
	source      000_4f79a8bc25234f51.txt "table 4 (Server machine), row TCP 1433 (Microsoft SQL), 3306 (MySQL)"
	option      external-db
	service     mssql
	service     mysql

# ESET Bridge. Table 1 is for the "client machine (ESET Management Agent)
# or ESET Bridge HTTP Proxy": the Bridge makes the agents' 2222, 80 and
# 8883/443 connections on their behalf, and alone reaches LiveGuard
# Advanced on 443 ("solo proxy").
flow agent-bridge
	proto       tcp
	ports       3128
	direction   agent -> bridge
	description "Management Agent (and the endpoint product) through the ESET Bridge HTTP proxy"
	source      000_4f79a8bc25234f51.txt "table 1 (Client machine / ESET Bridge), row TCP 3128"
	option      bridge
	service     http-proxy

flow server-bridge
	proto       tcp
	ports       3128
	direction   server -> bridge
	description "ESET PROTECT Server through the ESET Bridge HTTP proxy"
	source      000_4f79a8bc25234f51.txt "table 4 (Server machine), row TCP 3128"
	option      bridge
	service     http-proxy

flow bridge-server
	proto       tcp
	ports       2222
	direction   bridge -> server
	description "ESET Bridge forwards agent replication to the ESET PROTECT Server (default 2222, configurable)"
	source      000_4f79a8bc25234f51.txt "table 1 (Client machine / ESET Bridge), row TCP 2222; last sentence (2222 can be changed)"
	option      bridge

flow bridge-repository
	proto       tcp
	ports       80
	direction   bridge -> internet
	description "ESET Bridge connects to the ESET repository (HTTP)"
	source      000_4f79a8bc25234f51.txt "table 1 (Client machine / ESET Bridge), row TCP 80"
	option      bridge
	service     http

flow bridge-epns
	proto       tcp
	ports       8883,443
	direction   bridge -> internet
	description "ESET Bridge to ESET Push Notification Service (MQTT 8883; 443 is the failover)"
	source      000_4f79a8bc25234f51.txt "table 1 (Client machine / ESET Bridge), row MQTT 8883, 443"
	option      bridge
	service     mqtt
	service     https

flow bridge-liveguard
	proto       tcp
	ports       443
	direction   bridge -> internet
	description "ESET Bridge to ESET LiveGuard Advanced (HTTPS, proxy only)"
	source      000_4f79a8bc25234f51.txt "table 1 (Client machine / ESET Bridge), row TCP 443 (ESET LiveGuard Advanced, proxy only)"
	option      bridge
	service     https

# Remote deployment of the agent to Windows: the Server's deployment task
# opens these to the target computer ("distribuzione da remoto").
flow push-netbios-ssn
	proto       tcp
	ports       139
	direction   server -> agent
	description "Remote agent deployment: ADMIN$ share over NetBIOS session service"
	source      000_4f79a8bc25234f51.txt "table 2 (remote deployment to Windows), row TCP 139"
	option      push
	service     netbios
	service     smb

flow push-smb
	proto       tcp
	ports       445
	direction   server -> agent
	description "Remote agent deployment: direct SMB access to shares over TCP/IP (alternative to TCP 139)"
	source      000_4f79a8bc25234f51.txt "table 2 (remote deployment to Windows), row TCP 445"
	option      push
	service     smb

flow push-netbios-ns
	proto       udp
	ports       137
	direction   server -> agent
	description "Remote agent deployment: NetBIOS name resolution"
	source      000_4f79a8bc25234f51.txt "table 2 (remote deployment to Windows), row UDP 137"
	option      push
	service     netbios

flow push-netbios-dgm
	proto       udp
	ports       138
	direction   server -> agent
	description "Remote agent deployment: NetBIOS browsing (datagram service)"
	source      000_4f79a8bc25234f51.txt "table 2 (remote deployment to Windows), row UDP 138"
	option      push
	service     netbios

# Rogue Detection Sensor: probes computers of its segment to identify their
# operating system; these may be any host, not only managed agents.
flow rdsensor-os-detect
	proto       tcp
	ports       22,139
	direction   rd-sensor -> host
	description "RD Sensor detects the operating system of computers over SSH (TCP 22) and SMB (TCP 139)"
	source      000_4f79a8bc25234f51.txt "table 5 (Rogue Detection Sensor), row TCP 22, 139"
	option      rd-sensor
	service     ssh
	service     netbios
	service     smb

flow rdsensor-netbios-ns
	proto       udp
	ports       137
	direction   rd-sensor -> host
	description "RD Sensor resolves computer host names over NetBIOS"
	source      000_4f79a8bc25234f51.txt "table 5 (Rogue Detection Sensor), row UDP 137"
	option      rd-sensor
	service     netbios

# Mobile Device Connector and MDM-managed devices.
# Left out: TCP 9977, 9978, "Comunicazione interna tra il Connettore
# dispositivi mobili e l'agente ESET Management" (table 6) -- internal
# communication between the MDC and the Management Agent installed on the
# same MDC machine; same-host traffic never crosses the gateway.
flow device-mdc-enroll
	proto       tcp
	ports       9980
	direction   device -> mdc
	description "Mobile device enrollment with the Mobile Device Connector"
	source      000_4f79a8bc25234f51.txt "table 6 (MDC machine), row TCP 9980; table 7 (MDM-managed device), row TCP 9980"
	option      mobile

flow device-mdc
	proto       tcp
	ports       9981
	direction   device -> mdc
	description "Mobile device communication with the Mobile Device Connector"
	source      000_4f79a8bc25234f51.txt "table 6 (MDC machine), row TCP 9981; table 7 (MDM-managed device), row TCP 9981"
	option      mobile

# The MDC machine's Management Agent replicates with the Server like any
# agent; this flow covers it when `agent=` is bound to client networks only.
flow mdc-server
	proto       tcp
	ports       2222
	direction   mdc -> server
	description "MDC machine (its Management Agent) replicates with the ESET PROTECT Server (default 2222, configurable)"
	source      000_4f79a8bc25234f51.txt "table 6 (MDC machine), row TCP 2222; last sentence (2222 can be changed)"
	option      mobile

# 2197 carries HTTPS (HTTP/2) to api.push.apple.com, but it is not the
# well-known HTTPS port: nothing to declare.
flow mdc-apns
	proto       tcp
	ports       2197
	direction   mdc -> apple-push
	description "MDC to Apple Push Notification service and feedback, api.push.apple.com (HTTPS; ESMC 7.2.11.3 and later)"
	source      000_4f79a8bc25234f51.txt "table 6 (MDC machine), row HTTPS 2197"
	option      mobile

# "solo se il database si trova su un'altra macchina", as for the Server.
flow mdc-db
	proto       tcp
	ports       1433,3306
	direction   mdc -> db
	description "MDC to its database on another machine (Microsoft SQL 1433 or MySQL 3306); also bind mdc="
	source      000_4f79a8bc25234f51.txt "table 6 (MDC machine), row TCP 1433 (Microsoft SQL), 3306 (MySQL)"
	option      external-db
	service     mssql
	service     mysql

flow device-apns
	proto       tcp
	ports       5223
	direction   device -> internet
	description "iOS device to the Apple Push Notification service"
	source      000_4f79a8bc25234f51.txt "table 7 (MDM-managed device), row TCP 5223"
	option      mobile

# One row of table 7 lists every 443 use of a device: APNs fallback on
# Wi-Fi (iOS), Android to GCM, ESET license portal, ESET LiveGrid (the
# "in entrata"/"in uscita" URLs are both opened by the device), anonymous
# statistics to ESET's lab, app categorisation, support requests.
flow device-https
	proto       tcp
	ports       443
	direction   device -> internet
	description "Mobile device over HTTPS: APNs Wi-Fi fallback (iOS), GCM (Android), ESET license portal, LiveGrid, statistics, app categories, support requests"
	source      000_4f79a8bc25234f51.txt "table 7 (MDM-managed device), row TCP 443"
	option      mobile
	service     https

# The footnote says GCM was replaced by FCM on 11 April 2019; both use the
# same ports, so the flow stays under `mobile`, not `legacy`.
flow device-fcm
	proto       tcp
	ports       5228-5230
	direction   device -> internet
	description "Android device to Firebase Cloud Messaging (formerly Google Cloud Messaging) for notifications"
	source      000_4f79a8bc25234f51.txt "table 7 (MDM-managed device), row TCP 5228, 5229, 5230, and its footnote"
	option      mobile

flow device-update-http
	proto       tcp
	ports       80
	direction   device -> eset-mobile-update
	description "Android device: module updates (update.eset.com) and app version information (go.eset.eu, web version only) over HTTP"
	source      000_4f79a8bc25234f51.txt "table 7 (MDM-managed device), row TCP 80"
	option      mobile
	service     http

# "fino a ESMC versione 7.2.11.1": legacy Apple ports, MDC only.
flow mdc-apns-legacy
	proto       tcp
	ports       2195
	direction   mdc -> apple-push
	description "MDC sends notifications to Apple Push Notification service, gateway.push.apple.com (ESMC up to 7.2.11.1)"
	source      000_4f79a8bc25234f51.txt "table 6 (MDC machine), row TCP 2195"
	option      legacy

flow mdc-apns-feedback
	proto       tcp
	ports       2196
	direction   mdc -> apple-push
	description "MDC to the Apple feedback service, feedback.push.apple.com (ESMC up to 7.2.11.1)"
	source      000_4f79a8bc25234f51.txt "table 6 (MDC machine), row TCP 2196"
	option      legacy
