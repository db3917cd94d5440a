# Symantec Endpoint Protection (SEPM + SEP clients), 12.1.x and 14.x.
#
# Written from the vendor's Italian port document, "Porte di comunicazione per
# Symantec Endpoint Protection" (shared/seeds/002_c815d23ca246a2c8.txt): one
# table, "Porte necessarie all'installazione e alla comunicazione di server e
# client", with per row the protocol and port, what it is used for, the
# listening process, who initiates it ("Iniziata da ..."), whether it is
# configurable ("Configurabile" / "Non configurabile") and the applicable
# versions; followed by two notes about the Windows firewall.
#
# Decisions (see Documentation/profiles/symantec.md for the port-by-port table):
# - "Configurabile" ports are marked "configurable" in the flow description; a
#   site that changed them uses /etc/epgate/profiles.d/symantec.override.
# - "Utilizza anche le porte temporanee TCP/UDP" (also uses ephemeral ports) is
#   read as the initiator's source ports: epgate matches destination ports and
#   lets replies through by conntrack, so nothing is added for it.
# - Push deployment (TCP 139/445, UDP 137/138, TCP 22) is opt-in: `push`.
# - The only port limited to old versions (TCP 8444, Symantec Protection
#   Center 2.0, "non è supportato ... 14.x", 12.1.x only) is opt-in: `legacy`.
# - Optional components get their own option: gup, wss, external-db,
#   replication, cloud, content-analysis, web-services, syslog.
# - Left out, because the traffic never leaves the management server (and the
#   management server runs on Windows, so an epgate host is never that machine):
#     TCP 2638  embedded database <-> SEPM ("database incorporato")
#     TCP 8447  process launcher ("Risponde solo alle richieste dell'host locale")
#     TCP 8765  SEPM stopping its own Tomcat web service
#     TCP 1100  RMI registry of SEPM's own AjaxSwing component
#   Each is explained again at the place of its table row below.

profile symantec
description "Symantec Endpoint Protection 12.1.x/14.x: clients to SEPM, remote consoles, push deployment, GUP, replication, cloud"
product "Symantec Endpoint Protection Manager and Symantec Endpoint Protection client 12.1.x and 14.x"
document 002_c815d23ca246a2c8.txt "Communication ports for Symantec Endpoint Protection"

role server "Symantec Endpoint Protection Manager (SEPM), the management server"
role agent "Symantec Endpoint Protection client (Windows, Mac) managed by SEPM"
role console "an admin's machine running the remote Java console, web console or reporting console"
role gup "Group Update Provider: a SEP client designated to cache and serve updates to other clients"
role db "remote Microsoft SQL Server holding the SEPM database"
role partner "replication partner: the SEPM of another site"
role spc "Symantec Protection Center 2.0 server (12.1.x only)"
role internet "Symantec cloud console on the Internet"
role content-analysis "Symantec Content Analysis server or Malware Analysis Appliance"
role api-client "Remote Monitoring and Management (RMM) or EDR application calling the SEPM web services"
role syslog "syslog server receiving SEPM logs"

option push "remote push deployment of the client from SEPM: SMB/NetBIOS to Windows, SSH to Mac"
option legacy "ports used only by old versions (Symantec Protection Center 2.0 with SEP 12.1.x)"
option gup "clients fetching updates from a Group Update Provider (GUP)"
option wss "WSS Traffic Redirection client authentication (14.2 and later)"
option external-db "SEPM using a remote Microsoft SQL Server database"
option replication "replication between SEPM sites"
option cloud "SEPM enrolled in the Symantec cloud console (14.0.1+), roaming clients reporting to it (14.2+)"
option content-analysis "SEPM talking to a Content Analysis server or Malware Analysis Appliance (14.2+)"
option web-services "RMM and EDR applications using the SEPM web services (REST API) on 8446"
option syslog "SEPM forwarding log data to a syslog server"

# --- Client <-> management server (core) -----------------------------------

# "TCP 8014 ... (HTTP) ... Iniziata dai client ... Configurabile ... Tutto"
flow agent-server-http
	proto       tcp
	ports       8014
	direction   agent -> server
	description "SEP client to SEPM over HTTP (Apache httpd.exe), all versions; configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 8014' (communication between SEPM (HTTP) and the client)"

# "TCP 443 ... (HTTPS) ... Facoltativo per 12.1.x, ma predefinito per le nuove
# installazioni di 14.x": optional in 12.1.x but the default of new 14.x
# installations, so it is on by default.
flow agent-server-https
	proto       tcp
	ports       443
	direction   agent -> server
	description "SEP client to SEPM over HTTPS (Apache httpd.exe); optional in 12.1.x, default for new 14.x installs; configurable"
	source      002_c815d23ca246a2c8.txt "port table, first row 'TCP 443' (communication between SEPM (HTTPS) and the client)"
	service     https

# --- Remote consoles (core) -------------------------------------------------

# "TCP 8443 ... Tutte le informazioni di accesso e le comunicazioni
# amministrative utilizzano questa porta protetta. Iniziata dalla console remota
# basata su Java o su Web oppure dai partner di replica". The replication part
# is the opt-in flows replication-in/replication-out below.
flow console-server-https
	proto       tcp
	ports       8443
	direction   console -> server
	description "remote Java or web console to SEPM: logon and all administrative communication (HTTPS); configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 8443' (server communication (HTTPS))"
	service     https-alt

# "TCP 9090 ... solo per la comunicazione HTTP iniziale tra la console di
# gestione remota e SEPM ... installazione e ... schermata di accesso"
flow console-web-login
	proto       tcp
	ports       9090
	direction   console -> server
	description "remote console to SEPM: initial HTTP only (console installation and logon screen); configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 9090' (web console communication)"

# "TCP 8445 Utilizzata dalla console di reporting remota ... Configurabile"
flow console-reporting
	proto       tcp
	ports       8445
	direction   console -> server
	description "remote reporting console to SEPM reporting (Apache httpd.exe); configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 8445' (remote reporting console)"

# "TCP 8446 Servizi Web ... Utilizzato per la console remota Java (a partire
# dalla versione 14.0.1)". The RMM/EDR part of the row is the opt-in flow
# api-client-server below.
flow console-server-api
	proto       tcp
	ports       8446
	direction   console -> server
	description "remote Java console to SEPM web services over HTTPS (14.0.1 and later); configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 8446' (web services), bullet 'used for the remote Java console'"

# --- Remote push deployment (opt-in: push) ----------------------------------

# "TCP 139 e 445, UDP 137 e 138 Distribuzione push da SEPM ai computer Windows
# ... Iniziata da SEPM (clientremote.exe) ... Non configurabile". The note under
# the table ("consentire la condivisione di file e stampanti (porta 445)")
# concerns the clients' own Windows firewall and is the same TCP 445.
flow push-windows-smb
	proto       tcp
	ports       139,445
	direction   server -> agent
	description "push deployment of the client from SEPM (clientremote.exe) to Windows computers: NetBIOS session and SMB; not configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 139 and 445, UDP 137 and 138' (push deployment to Windows computers)"
	option      push
	service     netbios
	service     smb

flow push-windows-netbios
	proto       udp
	ports       137,138
	direction   server -> agent
	description "push deployment of the client from SEPM to Windows computers: NetBIOS name and datagram service; not configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 139 and 445, UDP 137 and 138' (push deployment to Windows computers)"
	option      push
	service     netbios

# "TCP 22 Distribuzione push da SEPM ai computer Mac ... launchd ... Iniziata
# da SEPM (clientremote.exe) ... Non configurabile": SSH (Remote Login) on the Mac.
flow push-mac-ssh
	proto       tcp
	ports       22
	direction   server -> agent
	description "push deployment of the client from SEPM (clientremote.exe) to Mac computers over SSH; not configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 22' (push deployment to Mac computers)"
	option      push
	service     ssh

# --- Group Update Provider (opt-in: gup) -------------------------------------

# "TCP 2967 Funzionalità proxy cache Web fornitore di aggiornamenti di gruppo
# (GUP) ... Iniziata dai client ... Configurabile ... Tutto". A GUP exists only
# where the admin designates one, so the flow is opt-in like other vendors'
# relays and bridges.
flow agent-gup
	proto       tcp
	ports       2967
	direction   agent -> gup
	description "SEP client to a Group Update Provider's web cache proxy (ccSvcHst.exe; Smc.exe before 12.1.5); configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 2967' (Group Update Provider (GUP) web cache proxy)"
	option      gup

# --- WSS Traffic Redirection (opt-in: wss) -----------------------------------

# "TCP 2968 Autenticazione del Client WSS Traffic Redirection ... ccSvcHst.exe
# ... Iniziata dai client ... Configurabile ... A partire dalla versione 14.2".
# The listener is the client's own ccSvcHst.exe and the initiator a client: the
# document gives no other party, so the flow is agent -> agent. It is probably
# same-machine traffic (then the gateway never sees it); opt-in either way.
flow wss-client-auth
	proto       tcp
	ports       2968
	direction   agent -> agent
	description "WSS Traffic Redirection client authentication, answered by the client's ccSvcHst.exe (14.2 and later); configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 2968' (WSS Traffic Redirection client authentication)"
	option      wss

# --- Database -----------------------------------------------------------------

# Left out: "TCP 2638 Comunicazione tra il database incorporato e SEPM"
# (dbsrv16.exe, initiated by SEPM, configurable). The embedded database
# ("database incorporato") is installed on the SEPM computer itself, so this
# traffic never crosses a gateway.

# "TCP 1433 Comunicazione tra un database SQL Server remoto e SEPM ... Iniziata
# da SEPM ... Configurabile": only with a remote SQL Server, hence opt-in.
flow server-external-db
	proto       tcp
	ports       1433
	direction   server -> db
	description "SEPM to a remote Microsoft SQL Server database (sqlserver.exe); configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 1433' (remote SQL Server database)"
	option      external-db
	service     mssql

# --- Replication between sites (opt-in: replication) -------------------------

# "TCP 8443 ... Iniziata ... dai partner di replica": the partner SEPM connects
# to this SEPM's 8443; as this SEPM is in turn the partner of the other site,
# both directions are listed.
flow replication-in
	proto       tcp
	ports       8443
	direction   partner -> server
	description "replication: the partner site's SEPM to this SEPM over HTTPS; configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 8443' (server communication (HTTPS)), 'initiated by replication partners'"
	option      replication
	service     https-alt

flow replication-out
	proto       tcp
	ports       8443
	direction   server -> partner
	description "replication: this SEPM to the partner site's SEPM over HTTPS; configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 8443' (server communication (HTTPS)), 'initiated by replication partners'"
	option      replication
	service     https-alt

# --- Legacy (opt-in: legacy) -------------------------------------------------

# "TCP 8444 Servizi Web per Symantec Protection Center (SPC) 2.0 ... SPC 2.0
# invia le richieste ... a SEPM tramite questa porta. SPC 2.0 non è supportato
# per l'utilizzo con SEP 14.x. 12.1.x". The row does not say whether the port is
# configurable.
flow spc-server
	proto       tcp
	ports       8444
	direction   spc -> server
	description "Symantec Protection Center 2.0 to SEPM web services (12.1.x only; SPC 2.0 is not supported with 14.x)"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 8444' (web services for Symantec Protection Center 2.0)"
	option      legacy

# --- Cloud console (opt-in: cloud) -------------------------------------------

# "TCP 443 Comunicazione tra SEPM e la console cloud ... prunsvr.exe ... A
# partire dalla versione 14.0.1". Enrolling SEPM in the cloud console is optional.
flow server-cloud
	proto       tcp
	ports       443
	direction   server -> internet
	description "SEPM (prunsvr.exe) to the Symantec cloud console over HTTPS (14.0.1 and later)"
	source      002_c815d23ca246a2c8.txt "port table, second row 'TCP 443' (communication between SEPM and the cloud console)"
	option      cloud
	service     https

# "HTTPS 443 Comunicazione tra il client di roaming di SEP e la console cloud
# ... I client gestiti che presentano una comunicazione intermittente con SEPM
# caricano gli eventi critici direttamente nella console cloud. SEPM deve essere
# registrato nella console cloud. A partire dalla versione 14.2"
flow agent-cloud
	proto       tcp
	ports       443
	direction   agent -> internet
	description "roaming SEP client uploading critical events directly to the Symantec cloud console over HTTPS (14.2+; SEPM must be enrolled)"
	source      002_c815d23ca246a2c8.txt "port table, row 'HTTPS 443' (roaming client and the cloud console)"
	option      cloud
	service     https

# --- Content Analysis (opt-in: content-analysis) -----------------------------

# "HTTP 8081, HTTPS 8082 Comunicazione tra SEPM e l'appliance server di analisi
# dei contenuti ... Il server di gestione usa questa porta per comunicare con il
# server di analisi dei contenuti o Malware Analysis Appliance ... A partire
# dalla versione 14.2". The "listening process" cell says SEPM, but the text says
# SEPM uses the port to reach the appliance: SEPM is the initiator here.
flow content-analysis-http
	proto       tcp
	ports       8081
	direction   server -> content-analysis
	description "SEPM to a Content Analysis server or Malware Analysis Appliance over HTTP (14.2 and later)"
	source      002_c815d23ca246a2c8.txt "port table, row 'HTTP 8081, HTTPS 8082' (SEPM and the Content Analysis appliance)"
	option      content-analysis

flow content-analysis-https
	proto       tcp
	ports       8082
	direction   server -> content-analysis
	description "SEPM to a Content Analysis server or Malware Analysis Appliance over HTTPS (14.2 and later)"
	source      002_c815d23ca246a2c8.txt "port table, row 'HTTP 8081, HTTPS 8082' (SEPM and the Content Analysis appliance)"
	option      content-analysis

# --- Web services for RMM / EDR (opt-in: web-services) ----------------------

# "TCP 8446 ... Le applicazioni di gestione remota utilizzano questa porta per
# inviare il traffico dei servizi Web tramite HTTPS. Inizializzata da RMM
# (Remote Monitoring and Management) e da EDR ... Configurabile"
flow api-client-server
	proto       tcp
	ports       8446
	direction   api-client -> server
	description "RMM or EDR application to the SEPM web services over HTTPS (semapisrv.exe in 14.x, SemSvc.exe in 12.1.x); configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'TCP 8446' (web services), 'initiated by RMM and EDR'"
	option      web-services

# --- Left out: same-host ports of the management server ----------------------

# TCP 8447 "Avvio del processo" (semlaunchsrv.exe, initiated by SEPM's
# SemSvc.exe, configurable, 12.1.5+): "Risponde solo alle richieste dell'host
# locale" (answers only requests from the local host).
#
# TCP 8765 "Controllo server": "Utilizzata da SEPM per l'arresto del servizio Web
# di Tomcat" (SEPM stopping its own Tomcat web service; listener SemSvc.exe,
# initiated by SEPM, configurable). Initiator and listener are the same server.
#
# TCP 1100 "Registro dell'oggetto remoto": "Indica ad AjaxSwing su quale porta
# eseguire RMI Registry" (listener SemSvc.exe, initiated by AjaxSwing, not
# configurable). AjaxSwing is the SEPM web console component running inside the
# management server, so this is SEPM talking to itself.

# --- Syslog (opt-in: syslog) -------------------------------------------------

# "UDP 514 Inoltro dei dati in un server Syslog (Facoltativo) ... Traffico in
# entrata al server Syslog ... Configurabile ... SEPM utilizza le porte
# temporanee UDP" (SEPM sends from ephemeral UDP ports).
flow server-syslog
	proto       udp
	ports       514
	direction   server -> syslog
	description "SEPM forwarding log data to a syslog server (optional); configurable"
	source      002_c815d23ca246a2c8.txt "port table, row 'UDP 514' (forwarding data to a Syslog server)"
	option      syslog
	service     syslog
