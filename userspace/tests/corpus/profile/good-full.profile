profile t
description "d"
document doc.txt "Title"
product "P 1.0"
role a "A"
role b "B"
option o "O"
flow f
	proto tcp,udp
	ports 80,1000-2000
	direction a -> b
	description "x \"y\" \\"
	source s.txt "sec 1"
	option o
	service http
flow g
	proto udp
	ports 53
	direction b -> a
	description "dns"
