#!/usr/bin/env bash
# make-dev-certs.sh DIR — a throwaway certificate authority for a first TLS run and the tests.
#
# Writes into DIR (created 0700):
#   ca.crt                     the dev CA clients and pfxd trust (client_ca_file, --tls-ca)
#   server.crt server.key      pfxd's certificate: CN pfxd, SAN DNS localhost, IP 127.0.0.1, ::1
#   ROLE.crt ROLE.key          one client per role (portal revalidator dashboard feed-admin ops):
#                              CN ROLE, SAN URI spiffe://pfxd.dev/ROLE
#   stranger.crt/.key          a valid client of the dev CA that no role names
#   expired.crt/.key           the portal's identity, expired (valid 2020-01-01 to 2020-01-02)
#   other-ca.crt, intruder.crt/.key
#                              a second CA and a portal-named client signed by it
#   revoked.crt/.key           the portal's identity (CN revoked-portal), revoked by the CRL
#   crl/                       the dev CA's CRL under its hashed name (tls.crl_directory)
#   pfxd-tls.textproto         the tls { } and role { } stanzas of a pfxd config for these files
#
# Every key is ECDSA P-256. Nothing here is for production: the CA key sits beside the
# certificates it signed. README.md#security says how to issue real ones.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
DIR=$1
ROLES=(portal revalidator dashboard feed-admin ops)
DAYS=${PFX_CERT_DAYS:-30}

umask 077
mkdir -p "$DIR"
chmod 700 "$DIR"
cd "$DIR"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# A self-signed CA: new_ca NAME CN
new_ca() {
  new_key "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/O=pfxd dev/CN=$2" -days "$DAYS" -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$1.crt" 2>/dev/null
}

# A leaf signed by a CA: new_leaf NAME CA CN EXTENSIONS [START END]
new_leaf() {
  local name=$1 ca=$2 cn=$3 ext=$4
  new_key "$name.key"
  openssl req -new -key "$name.key" -subj "/O=pfxd dev/CN=$cn" -out "$WORK/$name.csr" 2>/dev/null
  printf '%s\n' "$ext" >"$WORK/$name.ext"
  if [[ $# -eq 6 ]]; then
    # openssl x509 cannot backdate; `openssl ca` can, with a throwaway database.
    mkdir -p "$WORK/ca-db"
    : >"$WORK/ca-db/index.txt"
    cat >"$WORK/ca.cnf" <<CNF
[ca]
default_ca = dev
[dev]
database = $WORK/ca-db/index.txt
new_certs_dir = $WORK/ca-db
serial = $WORK/ca-db/serial
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
organizationName = optional
CNF
    openssl rand -hex 16 >"$WORK/ca-db/serial"
    openssl ca -batch -config "$WORK/ca.cnf" -cert "$ca.crt" -keyfile "$ca.key" \
      -in "$WORK/$name.csr" -startdate "$5" -enddate "$6" -extfile "$WORK/$name.ext" \
      -notext -out "$name.crt" 2>/dev/null
  else
    openssl x509 -req -in "$WORK/$name.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial \
      -CAserial "$WORK/$ca.srl" -days "$DAYS" -sha256 -extfile "$WORK/$name.ext" \
      -out "$name.crt" 2>/dev/null
  fi
}

client_ext() {
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n'
  printf 'extendedKeyUsage=clientAuth\nsubjectAltName=URI:spiffe://pfxd.dev/%s\n' "$1"
}

new_ca ca "pfxd dev CA"
new_leaf server ca pfxd "$(printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n')"
for role in "${ROLES[@]}"; do
  new_leaf "$role" ca "$role" "$(client_ext "$role")"
done
new_leaf stranger ca stranger "$(client_ext stranger)"
new_leaf expired ca portal "$(client_ext portal)" 20200101000000Z 20200102000000Z
new_leaf revoked ca revoked-portal "$(client_ext portal)"

# The dev CA's CRL, revoking `revoked`, named as OpenSSL's hashed lookup expects (HASH.r0).
mkdir -p "$WORK/crl-db" crl
: >"$WORK/crl-db/index.txt"
echo 01 >"$WORK/crl-db/crlnumber"
cat >"$WORK/crl.cnf" <<CNF
[ca]
default_ca = dev
[dev]
database = $WORK/crl-db/index.txt
crlnumber = $WORK/crl-db/crlnumber
default_md = sha256
default_crl_days = $DAYS
CNF
openssl ca -batch -config "$WORK/crl.cnf" -cert ca.crt -keyfile ca.key -revoke revoked.crt \
  2>/dev/null
openssl ca -batch -config "$WORK/crl.cnf" -cert ca.crt -keyfile ca.key -gencrl \
  -out "$WORK/ca.crl.pem" 2>/dev/null
cp "$WORK/ca.crl.pem" "crl/$(openssl crl -hash -noout -in "$WORK/ca.crl.pem").r0"

new_ca other-ca "pfxd other CA"
new_leaf intruder other-ca portal "$(client_ext portal)"
rm -f other-ca.key

ABS=$(pwd)
{
  echo "# The TLS stanzas of a pfxd config for the certificates in $ABS"
  echo "# (scripts/make-dev-certs.sh); append them to a config file or pass --config."
  echo "tls {"
  echo "  cert_file: \"$ABS/server.crt\""
  echo "  key_file: \"$ABS/server.key\""
  echo "  client_ca_file: \"$ABS/ca.crt\""
  echo "  crl_directory: \"$ABS/crl\""
  echo "}"
  for role in "${ROLES[@]}"; do
    echo "role { role: \"$role\" san_uri: \"spiffe://pfxd.dev/$role\" }"
  done
} >pfxd-tls.textproto
chmod 600 ./*.crt ./*.key ./*.textproto crl/*
chmod 700 crl
echo "make-dev-certs: CA, server and client certificates in $ABS (config stanzas: pfxd-tls.textproto)"
