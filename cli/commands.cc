#include "cli/commands.h"

#include "absl/strings/str_split.h"
#include "pfx/v1/admin.pb.h"
#include "pfx/v1/peering.pb.h"
#include "pfx/v1/peering_service.pb.h"
#include "pfx/v1/registration.pb.h"
#include "pfx/v1/routes.pb.h"
#include "pfx/v1/validation.pb.h"

namespace pfx::cli {

void LinkDescriptors() {
  // Touching one message per file links its descriptors into the generated pool, which the
  // generic command path looks methods up in.
  (void)v1::Peering::descriptor();
  (void)v1::RegisteredPrefix::descriptor();
  (void)v1::PeeringService::descriptor();
  (void)v1::ReceivedRoute::descriptor();
  (void)v1::ExplainRequest::descriptor();
  (void)v1::AuditRecord::descriptor();
}

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {"peering create", "pfx.v1.Peerings", "CreatePeering",
       "provision a partner's peering (connections and sessions)",
       "--file demo/contoso-voice.json"},
      {"peering show", "pfx.v1.Peerings", "GetPeering",
       "one peering, with session states from the feed", "--name contoso-voice"},
      {"peering list", "pfx.v1.Peerings", "ListPeerings", "all peerings, a page at a time",
       "--page-size 50"},
      {"peering set-connection-state", "pfx.v1.Peerings", "SetConnectionState",
       "move a connection through Azure's states",
       "--peering-name contoso-voice --connection-id sea-1 --connection-state active"},
      {"peering delete", "pfx.v1.Peerings", "DeletePeering",
       "delete a peering without registrations", "--name contoso-voice"},
      {"registered-prefix create", "pfx.v1.Registrations", "CreateRegisteredPrefix",
       "register a Voice partner's prefix (issues its key)",
       "--peering-name contoso-voice --name web --prefix 203.0.113.0/24 --traffic-class "
       "signalling-and-media --endpoint-description 'SBCs, Seattle'"},
      {"registered-prefix show", "pfx.v1.Registrations", "GetRegisteredPrefix",
       "one registered prefix: state, error, key, events",
       "--peering-name contoso-voice --name web"},
      {"registered-prefix list", "pfx.v1.Registrations", "ListRegisteredPrefixes",
       "registered prefixes of one peering or all", "--peering-name contoso-voice"},
      {"registered-prefix delete", "pfx.v1.Registrations", "DeleteRegisteredPrefix",
       "delete one (--force: even if its key is in use)",
       "--peering-name contoso-voice --name web --force"},
      {"registered-prefix validate", "pfx.v1.Registrations", "ValidateRegisteredPrefix",
       "queue one registered prefix for validation now", "--peering-name contoso-voice --name web"},
      {"registered-asn create", "pfx.v1.Registrations", "CreateRegisteredAsn",
       "register a route-server customer's ASN (issues its key)",
       "--peering-name rs-1 --name cust --asn 13335"},
      {"registered-asn show", "pfx.v1.Registrations", "GetRegisteredAsn",
       "one registered ASN and its key", "--peering-name rs-1 --name cust"},
      {"registered-asn list", "pfx.v1.Registrations", "ListRegisteredAsns",
       "registered ASNs of one peering or all", "--peering-name rs-1"},
      {"registered-asn delete", "pfx.v1.Registrations", "DeleteRegisteredAsn",
       "delete one (--force: even if its key is in use)", "--peering-name rs-1 --name cust"},
      {"service create", "pfx.v1.PeeringServices", "CreatePeeringService",
       "a customer's peering service: provider and locations",
       "--name svc --country US --provider-asn 6939 --provider-name 'Hurricane Electric' "
       "--primary-peering-location Seattle --backup-peering-location Dallas"},
      {"service show", "pfx.v1.PeeringServices", "GetPeeringService", "one peering service",
       "--name svc"},
      {"service list", "pfx.v1.PeeringServices", "ListPeeringServices", "all peering services",
       "--page-size 50"},
      {"service delete", "pfx.v1.PeeringServices", "DeletePeeringService",
       "delete a peering service without prefixes", "--name svc"},
      {"service prefix create", "pfx.v1.PeeringServices", "CreatePeeringServicePrefix",
       "activate a prefix on a peering service with its key",
       "--peering-service-name svc --name p --prefix 1.1.1.0/24 --peering-service-prefix-key KEY"},
      {"service prefix show", "pfx.v1.PeeringServices", "GetPeeringServicePrefix",
       "one activated prefix: state, error, events", "--peering-service-name svc --name p"},
      {"service prefix list", "pfx.v1.PeeringServices", "ListPeeringServicePrefixes",
       "the prefixes of one peering service", "--peering-service-name svc"},
      {"service prefix delete", "pfx.v1.PeeringServices", "DeletePeeringServicePrefix",
       "deactivate a prefix", "--peering-service-name svc --name p"},
      {"received-route list", "pfx.v1.Routes", "ListReceivedRoutes",
       "what a peering's sessions advertise (Adj-RIB-In)",
       "--peering-name contoso-voice --prefix 1.0.128.0/18"},
      {"session list", "pfx.v1.Routes", "ListSessions",
       "feed sessions: state, initial table, route count", "--peering-name contoso-voice"},
      {"revalidate", "pfx.v1.Validation", "Revalidate",
       "requeue prefixes by filter and follow the progress", "--states failed,warning"},
      {"explain", "pfx.v1.Validation", "Explain",
       "every check of one prefix with its evidence (or a dry run)",
       "--kind registered-prefix --parent contoso-voice --name web  (dry run of an unregistered "
       "prefix: --dry-run --peering-name contoso-voice --prefix 1.0.64.0/18)"},
      {"watch", "pfx.v1.Validation", "WatchValidation", "print state changes as they happen",
       "--peering-name contoso-voice"},
      {"route announce", "pfx.v1.RouteInjection", "AnnounceRoutes",
       "inject a route on a session (pfxd --enable_route_injection)",
       "--router msee-sea-1 --peer-address 198.51.100.1 --prefix 1.0.128.0/18 --as-path 9737 "
       "--communities 8075:8007"},
      {"route withdraw", "pfx.v1.RouteInjection", "WithdrawRoutes", "withdraw injected routes",
       "--router msee-sea-1 --peer-address 198.51.100.1 --prefixes 1.0.128.0/18"},
      {"session set-state", "pfx.v1.RouteInjection", "SetSessionState",
       "set an injected session up or down",
       "--router msee-sea-1 --peer-address 198.51.100.1 --established --initial-table-complete"},
      {"audit list", "pfx.v1.Admin", "ListAuditRecords",
       "the audit trail of mutations, newest first (ops role)",
       "--resource peerings/contoso-voice --caller 'CN=portal,O=Example'"},
      {"admin reload", "pfx.v1.Admin", "ReloadReferenceData",
       "re-read the IRR and RPKI files now and requeue what changed (feed-admin or ops role)",
       ""},
      {"admin backup", "pfx.v1.Admin", "CreateBackup",
       "a consistent copy of the data dir, written by pfxd into a new directory on its host "
       "(ops role)",
       "--directory /var/backups/pfxd/2026-11-28"},
  };
  return *commands;
}

const Command* FindCommand(const std::vector<std::string>& args, size_t* consumed) {
  const Command* best = nullptr;
  size_t best_words = 0;
  for (const Command& c : Commands()) {
    std::vector<std::string> words = absl::StrSplit(c.words, ' ');
    if (words.size() > args.size() || words.size() <= best_words) continue;
    if (std::equal(words.begin(), words.end(), args.begin())) {
      best = &c;
      best_words = words.size();
    }
  }
  *consumed = best_words;
  return best;
}

}  // namespace pfx::cli
