# eScan: written from the vendor's Portuguese port document,
# shared/seeds/001_e8b3e383e55289f6.txt. See Documentation/profiles/escan.md
# for the port-by-port table.
#
# The document has three tables ("No servidor do eScan" = on the eScan server,
# "Em um PC designado com o Função do Agente de Atualizações" = on a PC with
# the Update Agent role, "No cliente eScan" = on the eScan client), a note ****
# on FTP passive mode with the list of ports to open when server and clients
# are behind a firewall, and a note *** on the optional HTTP download with its
# own list of ports to open.
#
# Not in the document, so not in this profile: how the eScan server itself
# fetches updates from eScan on the Internet (no port is given for it).

profile escan
description "eScan: web console, agents to eScan server (update check, FTP/HTTP download, events), server requests to agents, Update Agents"
product "eScan (eScan Server with web console, Update Agents and clients; HTTP download from 11.0.1139.1229)"
document 001_e8b3e383e55289f6.txt "Ports used by the eScan server (console) and which to open in the firewall for server-client communication"

role server "The eScan server (management server and web console); it also runs its own eScan agent"
role agent "An eScan client (managed endpoint); Update Agent PCs are eScan clients too, so include them in this role"
role update-agent "A client PC designated with the Update Agent role, serving updates to the clients near it"
role console "An admin's web browser reaching the eScan web console, on the private network or over the Internet/VPN"

option ftp-passive "FTP passive data port range of the eScan server (3023-4023 by default here); needs AddPassivePort=1 and the range set in eserv.ini"
option http-download "HTTP download of signatures and policies on tcp/2221, added to FTP per http_readme.txt (eScan 11.0.1139.1229 and later)"
option update-agent "Clients check for and download updates from an Update Agent (tcp/3333 and FTP tcp/2021)"

# --- On the eScan server --------------------------------------------------

# "O administrador pode acessar o console da Web eScan usando esta porta":
# the document shows https://...:10443 both inside the private network and
# "externamente via rede publica (internet,vpn,etc)". 10443 is not the
# well-known HTTPS port, so no `service` line.
flow console-web
	proto       tcp
	ports       10443
	direction   console -> server
	description "Admin's browser to the eScan web console (HTTPS) to manage deployment, policies and tasks; from the LAN or over Internet/VPN"
	source      001_e8b3e383e55289f6.txt "table On the eScan server, row TCP 10443; firewall lists after notes **** and ***"

# "O PC cliente usa essa conexão para solicitar se há novas atualizações":
# the client (and the Update Agent, itself an eScan client) opens it.
flow agent-server-update
	proto       tcp
	ports       3333
	direction   agent -> server
	description "Clients and Update Agents ask the eScan server whether a new update version is available"
	source      001_e8b3e383e55289f6.txt "table On the eScan server, row TCP 3333; firewall list after note ****"

# FTP control connection. Note ***: "Por padrão, o servidor eScan instala com
# a porta FTP habilitada", so this is on by default. 2021 is not the
# well-known FTP port (21), so no `service` line.
flow agent-server-ftp
	proto       tcp
	ports       2021
	direction   agent -> server
	description "FTP (control) on the eScan server: clients and Update Agents download signatures and policies, upload system info and mwav.log; on by default"
	source      001_e8b3e383e55289f6.txt "table On the eScan server, row TCP 2021 and note ****; firewall list after note ****"

# Note ****: behind a firewall the client must use passive mode and the
# server's passive range must be opened. The range only exists once the admin
# adds AddPassivePort=1, StartingPassivePort=3023, NoofPassivePorts=1000 to
# eserv.ini [General], so it is opt-in. "Estes números de porta podem ser
# diferentes, dependendo da configuração": the range is configurable (site
# override). The document's example 3023-4023 contains 3333 although it says
# the range may be "qualquer intervalo após a porta 3333"; kept as written,
# hence an overlap warning with agent-server-update (same roles, harmless).
flow agent-server-ftp-passive
	proto       tcp
	ports       3023-4023
	direction   agent -> server
	description "FTP passive data connections to the eScan server; range set in eserv.ini (StartingPassivePort, NoofPassivePorts), configurable, change with an override file"
	source      001_e8b3e383e55289f6.txt "note ****, passive mode: TCP port range 3023-4023 and eserv.ini [General] entries"
	option      ftp-passive

# Note ***: HTTP download is added "juntamente com o download do FTP" by
# following http_readme.txt point 3, available from eScan 11.0.1139.1229.
# 2221 is not the well-known HTTP port, so no `service` line.
flow agent-server-http
	proto       tcp
	ports       2221
	direction   agent -> server
	description "HTTP download of signatures and policies from the eScan server by clients and Update Agents (optional, eScan 11.0.1139.1229 and later)"
	source      001_e8b3e383e55289f6.txt "table On the eScan server, row TCP 2221 and note ***; firewall list after note ***"
	option      http-download

flow agent-server-events
	proto       tcp
	ports       2225
	direction   agent -> server
	description "Clients send their events to the eScan server"
	source      001_e8b3e383e55289f6.txt "table On the eScan server, row TCP 2225; firewall lists after notes **** and ***"

# Left out, same host only:
# - TCP 2226, the server listening "no modo de sistema": "Esta porta NÃO
#   precisa ser permitida / aberta no firewall" (table On the eScan server).
# - TCP 2227, "auto-eventos" (self-events): same sentence on the server row;
#   the Update Agent and client rows ("eScan aceita eventos pessoais nesta
#   porta") describe the same self-events port, and neither firewall list
#   (notes **** and ***) includes 2227. A gateway never sees same-host traffic.
# - TCP 2222 on the server row ("O agente do eScan escuta nesta porta") is the
#   eScan server machine's own agent; the only documented sender of requests
#   to 2222 is the eScan server, i.e. the same host. If other hosts must reach
#   it, include the server's address in the agent role: server-agent-request
#   then covers it.

# --- On the eScan client (and the Update Agent PC, which is a client) -------

# "usado para receber solicitações enviadas pelo servidor eScan. Se esta porta
# estiver fechada, o servidor eScan não poderá enviar quaisquer solicitações /
# tarefas para o cliente." 2222 is not SSH here: the lint's "alternative SSH"
# warning is expected.
flow server-agent-request
	proto       tcp
	ports       2222
	direction   server -> agent
	description "The eScan server sends requests and tasks to the eScan agent on clients and Update Agents"
	source      001_e8b3e383e55289f6.txt "tables On the eScan client and Update Agent, row TCP 2222; firewall lists after notes **** and ***"

# --- On a PC with the Update Agent role -------------------------------------

# Update Agents are an optional role the admin gives to a client PC; with the
# update-agent role unbound these flows would let agents reach any address on
# 3333 and 2021, so they are opt-in. The document gives no passive range or
# HTTP port for Update Agents.
flow agent-ua-update
	proto       tcp
	ports       3333
	direction   agent -> update-agent
	description "Clients ask their Update Agent whether a new update version is available"
	source      001_e8b3e383e55289f6.txt "table On a PC with the Update Agent role, row TCP 3333"
	option      update-agent

flow agent-ua-ftp
	proto       tcp
	ports       2021
	direction   agent -> update-agent
	description "FTP (control) on the Update Agent: clients download virus signatures"
	source      001_e8b3e383e55289f6.txt "table On a PC with the Update Agent role, row TCP 2021"
	option      update-agent
