# Trend Micro Server & Workload Protection (Trend Vision One; formerly
# Deep Security as a Service / Cloud One Workload Security) -- written from
# Trend Micro's Japanese page on the required port numbers, IP addresses and
# URLs, shared/seeds/004_7003d0f741731b24.txt.
# Documentation/profiles/trendmicro.md has the port-by-port table.
#
# How the document is cited in `source` below:
#   "note at the top"  the box under the introduction: default settings are
#                      shown, many network settings are configurable, e.g.
#                      agents can reach Server & Workload Protection (SWP)
#                      through a web proxy on port 1443 instead of directly
#                      on 443 ("ポート1443を介して接続するように設定できます").
#   "table"            "必要な Server & Workload Protection のIPアドレスとポート
#                      番号" (required SWP IP addresses and port numbers),
#                      organised by source address (the component that
#                      starts the TCP connection or UDP session); replies
#                      need no flow of their own (conntrack). Every port in
#                      it is a destination port and a default ("ポート
#                      (初期設定)").
#   The table's sections, by source: "Administrator's computer", "SWP"
#   (with its per-region /27 subnets), "Agents", "Relays", and two sections
#   whose source name is missing from the stored text (see "data center
#   gateway" and "virtual appliance" below).
#
# The stored text is a flattened copy of the table: cell names that were
# links or "(if any)" labels are missing in a few places. Where a
# destination is missing, it is named below from the protocol the table
# gives and from what the same row says elsewhere; each such case has a
# comment. The document's own words are quoted in the `where` strings.
#
# Same-host traffic is left out (a gateway never sees it):
#   * 4123 on "本デバイス" (this device): "localhost接続はネットワークに到達
#     しないため、ネットワークファイアウォールでこのポートを許可する必要は
#     ありません" (localhost connections do not reach the network, so
#     network firewalls need not allow this port); its protocol is "該当なし"
#     (not applicable).
#   * 4122 on a relay to its own relay service: "(Relayでは、エージェントは
#     リモートRelayではなくローカルに接続します)" (on a relay, the agent
#     connects locally, not to a remote relay).
#
# "2020年11月23日より前に作成されたアカウント" (accounts created before
# 23 November 2020) only changes the Download Center URL, not the port: no
# legacy flow.
#
# Relays: "各Relayにはエージェントが含まれます" (each relay includes an
# agent) and a relay needs "すべてエージェントに必要な送信先アドレス、ポート、
# およびプロトコル" (all destinations, ports and protocols agents need). The
# agent-* flows are not repeated for relays: bind relays into the agent
# role as well (agent=LAN,relay=RELAYS).
#
# Ports the document shows as defaults and that sites commonly change
# (flow to name in /etc/epgate/profiles.d/trendmicro.override):
# agent-server (443; 1443 through a proxy: agent-proxy), server-agent
# (4118), agent-relay (4122), agent-sps-file / agent-sps-web (80,443 /
# 5274,5275), server-syslog / server-syslog-tls / agent-syslog (514 / 6514).

profile trendmicro
description "Trend Micro Server & Workload Protection (SaaS): agents, relays, Smart Protection, data center gateway"
product "Trend Micro Server & Workload Protection (Trend Vision One; formerly Deep Security as a Service / Cloud One Workload Security) with Deep Security Agents and relays"
document 004_7003d0f741731b24.txt "Server & Workload Protection: required port numbers, IP addresses and URLs (Japanese)"

role server "Server & Workload Protection, the SaaS manager, as agents, relays and consoles reach it (HTTPS 443; dynamic addresses behind its FQDNs: usually left unbound)"
role server-subnet "fixed per-region /27 subnet that SWP's own connections come from (to agents on 4118, to syslog), e.g. US 3.140.136.224/27, Japan 35.75.131.96/27"
role agent "computer protected by the Deep Security Agent (every relay is also an agent)"
role console "administrator's computer: the browser used for the SWP console"
role relay "relay: an agent with the relay feature, serving security and software updates to agents"
role internet "Trend Micro services on the Internet: Smart Protection Network, update servers, Download Center"
role dns "DNS server used by the site's computers"
role ntp "NTP server used by the site's computers"
role syslog "SIEM or syslog server receiving SWP and agent events"
role proxy "site web proxy through which agents reach SWP"
role sps "locally installed Trend Micro Smart Protection Server (file and web reputation)"
role mirror "local web server mirroring the Trend Micro Download Center"
role dc-gateway "data center gateway: on-premises component connecting SWP to vCenter and Active Directory"
role vcenter "VMware vCenter server"
role ad "Microsoft Active Directory (LDAP) server"
role appliance "virtual appliance: agentless protection for VMware virtual machines"

option manager-initiated "SWP connects to agents on 4118 (bidirectional or manager-initiated communication)"
option syslog "event forwarding from SWP (514/udp, 6514/tls) and from agents (514/udp) to a SIEM or syslog server"
option relay "your own relays: agents fetch updates from them on 4122, relays download from Trend Micro"
option mirror "relays download software from a local web server mirroring the Download Center"
option sps "agents query a local Smart Protection Server (file reputation 80/443, web reputation 5274/5275)"
option proxy "agents reach SWP through a web proxy on 1443 instead of directly on 443"
option dc-gateway "data center gateway for vCenter and Active Directory integration"
option appliance "virtual appliance (agentless protection) and its connections"

# ---------------------------------------------------------------- core

# Administrator's computer.
flow console-server
	proto       tcp
	ports       443
	direction   console -> server
	description "Administrator's browser to the Server & Workload Protection console (HTTPS)"
	source      004_7003d0f741731b24.txt "table, source Administrator's computer, destination Server & Workload Protection, 443 HTTPS over TCP"
	service     https

flow console-dns
	proto       udp
	ports       53
	direction   console -> dns
	description "Administrator's computer resolves SWP names (DNS over UDP)"
	source      004_7003d0f741731b24.txt "table, source Administrator's computer, destination DNS server, 53 DNS over UDP"
	service     dns

flow console-ntp
	proto       udp
	ports       123
	direction   console -> ntp
	description "Administrator's computer keeps its clock (NTP over UDP)"
	source      004_7003d0f741731b24.txt "table, source Administrator's computer, destination NTP server, 123 NTP over UDP"
	service     ntp

# Agents. SWP's addresses are dynamic ("動的IPアドレス"): agents find them
# with DNS, hence agent-dns.
flow agent-server
	proto       tcp
	ports       443
	direction   agent -> server
	description "Agent to Server & Workload Protection: heartbeat, policy, events, software (HTTPS; default, configurable)"
	source      004_7003d0f741731b24.txt "table, source Agents, destination Server & Workload Protection, 443 HTTPS over TCP; note at the top (configurable)"
	service     https

flow agent-dns
	proto       udp
	ports       53
	direction   agent -> dns
	description "Agent resolves SWP and Trend Micro names (DNS over UDP)"
	source      004_7003d0f741731b24.txt "table, source Agents, destination DNS server, 53 DNS over UDP"
	service     dns

flow agent-ntp
	proto       udp
	ports       123
	direction   agent -> ntp
	description "Agent keeps its clock (NTP over UDP)"
	source      004_7003d0f741731b24.txt "table, source Agents, destination NTP server, 123 NTP over UDP"
	service     ntp

flow agent-spn
	proto       tcp
	ports       80,443
	direction   agent -> internet
	description "Agent queries the Trend Micro Smart Protection Network (file and web reputation; HTTP 80, HTTPS 443)"
	source      004_7003d0f741731b24.txt "table, source Agents, destination Trend Micro Smart Protection Network, 80 HTTP over TCP, 443 HTTPS over TCP"
	service     http
	service     https

# In the stored text 8080 ("HTTP over TCP") follows 80 and 443 under "Trend
# Micro Smart Protection Network" with no other destination in between; the
# next rows (80, 443, then 5274, 5275) repeat ports and so belong to a
# destination whose name is missing (see agent-sps-*). Read literally, 8080
# is a Smart Protection Network port; its own flow so that it is easy to
# see, and to change with an override.
flow agent-spn-8080
	proto       tcp
	ports       8080
	direction   agent -> internet
	description "Agent to the Trend Micro Smart Protection Network on HTTP 8080"
	source      004_7003d0f741731b24.txt "table, source Agents, destination Trend Micro Smart Protection Network, 8080 HTTP over TCP"
	service     http-alt

# ---------------------------------------------------------------- options

# "双方向またはManagerからの通信を有効にする場合にのみ必要です" (only
# required when bidirectional or manager-initiated communication is
# enabled): with agent-initiated communication, 4118 stays closed. The
# connection comes from SWP's per-region subnet listed in the table.
flow server-agent
	proto       tcp
	ports       4118
	direction   server-subnet -> agent
	description "SWP connects to the agent (HTTPS on 4118; default, configurable) for bidirectional or manager-initiated communication"
	source      004_7003d0f741731b24.txt "table, source Server & Workload Protection (subnets), destination Agents with note 'only required if bidirectional or manager-initiated communication is enabled', 4118 HTTPS over TCP"
	option      manager-initiated

# Syslog: the destination name is missing in the stored text, the
# protocols ("UDP経由のSyslog", "Syslog over TLS") say what it is. 6514
# (syslog over TLS) is not in the lint's well-known table, so that flow
# declares no service.
flow server-syslog
	proto       udp
	ports       514
	direction   server-subnet -> syslog
	description "SWP forwards events to a SIEM or syslog server (syslog over UDP, default 514)"
	source      004_7003d0f741731b24.txt "table, source Server & Workload Protection (subnets), row 514 Syslog over UDP"
	option      syslog
	service     syslog

flow server-syslog-tls
	proto       tcp
	ports       6514
	direction   server-subnet -> syslog
	description "SWP forwards events to a SIEM or syslog server (syslog over TLS, default 6514)"
	source      004_7003d0f741731b24.txt "table, source Server & Workload Protection (subnets), row 6514 Syslog over TLS"
	option      syslog

flow agent-syslog
	proto       udp
	ports       514
	direction   agent -> syslog
	description "Agent forwards security events directly to a SIEM or syslog server (syslog over UDP, default 514)"
	source      004_7003d0f741731b24.txt "table, source Agents, row 514 Syslog over UDP"
	option      syslog
	service     syslog

# Relays. Agents reach their relays on 4122 (the destination name is
# missing in the stored text; 4122 is the relay port). The Relays section
# repeats 4122: a relay reaching another relay (e.g. of a parent relay
# group) is an agent reaching a relay, so this flow covers it when relays
# are bound into the agent role too; on the relay itself the agent
# connects locally (same host, no flow).
flow agent-relay
	proto       tcp
	ports       4122
	direction   agent -> relay
	description "Agent downloads security and software updates from a relay (HTTPS on 4122; default, configurable)"
	source      004_7003d0f741731b24.txt "table, source Agents, row 4122 HTTPS over TCP; source Relays, row 4122 HTTPS over TCP"
	option      relay

# The Relays section's 80/443 row has no destination name in the stored
# text (the update servers' URL list is missing); the next row is "ダウン
# ロードセンター、またはローカルWebサーバ上のミラー (存在する場合)" (the
# Download Center, or a mirror on a local web server if any) on 443. Both
# go to Trend Micro on the Internet: one flow. The document writes "HTTP
# over TCP" for 443 in the first row, HTTPS in the second; Trend Micro runs
# HTTPS on 443.
flow relay-update
	proto       tcp
	ports       80,443
	direction   relay -> internet
	description "Relay downloads security updates (HTTP 80, HTTPS 443) and agent software from the Download Center (HTTPS 443)"
	source      004_7003d0f741731b24.txt "table, source Relays, rows 80 HTTP over TCP, 443; destination Download Center or a mirror on a local web server (if any), 443 HTTPS over TCP"
	option      relay
	service     http
	service     https

flow relay-mirror
	proto       tcp
	ports       443
	direction   relay -> mirror
	description "Relay downloads agent software from a local web server mirroring the Download Center (HTTPS)"
	source      004_7003d0f741731b24.txt "table, source Relays, destination Download Center or a mirror on a local web server (if any), 443 HTTPS over TCP"
	option      mirror
	service     https

# Local Smart Protection Server: after the Smart Protection Network rows the
# Agents section repeats 80 and 443, then 5274 and 5275, under a
# destination whose name is missing in the stored text. They are the ports
# of a Smart Protection Server installed on site: file reputation on
# 80/443, web reputation on 5274 (HTTP) / 5275 (HTTPS). Optional component.
flow agent-sps-file
	proto       tcp
	ports       80,443
	direction   agent -> sps
	description "Agent queries a local Smart Protection Server for file reputation (HTTP 80, HTTPS 443; default, configurable)"
	source      004_7003d0f741731b24.txt "table, source Agents, rows 80 HTTP over TCP, 443 HTTPS over TCP after Smart Protection Network (destination name missing)"
	option      sps
	service     http
	service     https

flow agent-sps-web
	proto       tcp
	ports       5274,5275
	direction   agent -> sps
	description "Agent queries a local Smart Protection Server for web reputation (HTTP 5274, HTTPS 5275; default, configurable)"
	source      004_7003d0f741731b24.txt "table, source Agents, rows 5274 HTTP over TCP, 5275 HTTPS over TCP"
	option      sps

# Web proxy: the note at the top is the only place 1443 appears. Agents
# then reach the proxy instead of SWP, and the proxy connects to SWP on 443.
flow agent-proxy
	proto       tcp
	ports       1443
	direction   agent -> proxy
	description "Agent reaches SWP through the site's web proxy on 1443 instead of directly on 443 (configurable)"
	source      004_7003d0f741731b24.txt "note at the top: agents can connect through a web proxy on port 1443 instead of directly to SWP on 443"
	option      proxy

flow proxy-server
	proto       tcp
	ports       443
	direction   proxy -> server
	description "Web proxy forwards the agents' connections to Server & Workload Protection (HTTPS)"
	source      004_7003d0f741731b24.txt "note at the top (web proxy instead of agents connecting directly to SWP on 443); table, destination Server & Workload Protection, 443 HTTPS over TCP"
	option      proxy
	service     https

# Data center gateway. The source name of this section is missing in the
# stored text; by its destinations (DNS, NTP, SWP 443, VMware vCenter 443,
# Microsoft Active Directory 389/636) it is the on-premises data center
# gateway that connects SWP to vCenter and Active Directory. Optional: only
# for vCenter / Active Directory integration.
flow dcgw-server
	proto       tcp
	ports       443
	direction   dc-gateway -> server
	description "Data center gateway connects to Server & Workload Protection (HTTPS)"
	source      004_7003d0f741731b24.txt "table, section with VMware vCenter and Active Directory, destination Server & Workload Protection, 443 HTTPS over TCP"
	option      dc-gateway
	service     https

flow dcgw-dns
	proto       udp
	ports       53
	direction   dc-gateway -> dns
	description "Data center gateway resolves names (DNS over UDP)"
	source      004_7003d0f741731b24.txt "table, section with VMware vCenter and Active Directory, destination DNS server, 53 DNS over UDP"
	option      dc-gateway
	service     dns

flow dcgw-ntp
	proto       udp
	ports       123
	direction   dc-gateway -> ntp
	description "Data center gateway keeps its clock (NTP over UDP)"
	source      004_7003d0f741731b24.txt "table, section with VMware vCenter and Active Directory, destination NTP server, 123 NTP over UDP"
	option      dc-gateway
	service     ntp

flow dcgw-vcenter
	proto       tcp
	ports       443
	direction   dc-gateway -> vcenter
	description "Data center gateway connects to VMware vCenter (HTTPS)"
	source      004_7003d0f741731b24.txt "table, destination VMware vCenter, 443 HTTPS over TCP"
	option      dc-gateway
	service     https

# "STARTTLSとLDAP over TCP and UDP", "LDAPS over TCPおよびUDP": the
# document gives both protocols for the same purpose, hence tcp,udp.
flow dcgw-ldap
	proto       tcp,udp
	ports       389
	direction   dc-gateway -> ad
	description "Data center gateway queries Active Directory over LDAP with STARTTLS (389)"
	source      004_7003d0f741731b24.txt "table, destination Microsoft Active Directory, 389 STARTTLS and LDAP over TCP and UDP"
	option      dc-gateway
	service     ldap

flow dcgw-ldaps
	proto       tcp,udp
	ports       636
	direction   dc-gateway -> ad
	description "Data center gateway queries Active Directory over LDAPS (636)"
	source      004_7003d0f741731b24.txt "table, destination Microsoft Active Directory, 636 LDAPS over TCP and UDP"
	option      dc-gateway
	service     ldaps

# Virtual appliance. The source name of the last section is also missing;
# it reaches DNS, NTP, SWP 443 and "トレンドマイクロ Smart Protection
# Network (ファイルレピュテーション機能用)" (Smart Protection Network, for the
# file reputation feature) -- the agentless virtual appliance, which scans
# VMs on their behalf. Optional component.
flow appliance-server
	proto       tcp
	ports       443
	direction   appliance -> server
	description "Virtual appliance connects to Server & Workload Protection (HTTPS)"
	source      004_7003d0f741731b24.txt "table, last section, destination Server & Workload Protection, 443 HTTPS over TCP"
	option      appliance
	service     https

flow appliance-dns
	proto       udp
	ports       53
	direction   appliance -> dns
	description "Virtual appliance resolves names (DNS over UDP)"
	source      004_7003d0f741731b24.txt "table, last section, destination DNS server, 53 DNS over UDP"
	option      appliance
	service     dns

flow appliance-ntp
	proto       udp
	ports       123
	direction   appliance -> ntp
	description "Virtual appliance keeps its clock (NTP over UDP)"
	source      004_7003d0f741731b24.txt "table, last section, destination NTP server, 123 NTP over UDP"
	option      appliance
	service     ntp

flow appliance-spn
	proto       tcp
	ports       80,443
	direction   appliance -> internet
	description "Virtual appliance queries the Smart Protection Network for file reputation (HTTP 80, HTTPS 443)"
	source      004_7003d0f741731b24.txt "table, last section, destination Trend Micro Smart Protection Network (for file reputation), 80 HTTP over TCP, 443 HTTPS over TCP"
	option      appliance
	service     http
	service     https
