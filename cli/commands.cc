#include "cli/commands.h"

#include "absl/strings/str_split.h"
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
}

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {"peering create", "pfx.v1.Peerings", "CreatePeering",
       "--file peering.json | --json '{...}'"},
      {"peering show", "pfx.v1.Peerings", "GetPeering", "--name N"},
      {"peering list", "pfx.v1.Peerings", "ListPeerings", "[--page-size N] [--page-token T]"},
      {"peering set-connection-state", "pfx.v1.Peerings", "SetConnectionState",
       "--peering-name N --connection-id C --connection-state ACTIVE"},
      {"peering delete", "pfx.v1.Peerings", "DeletePeering", "--name N"},
      {"registered-prefix create", "pfx.v1.Registrations", "CreateRegisteredPrefix",
       "--peering-name P --name N --prefix 203.0.113.0/24 --traffic-class media "
       "--endpoint-description TEXT"},
      {"registered-prefix show", "pfx.v1.Registrations", "GetRegisteredPrefix",
       "--peering-name P --name N"},
      {"registered-prefix list", "pfx.v1.Registrations", "ListRegisteredPrefixes",
       "[--peering-name P]"},
      {"registered-prefix delete", "pfx.v1.Registrations", "DeleteRegisteredPrefix",
       "--peering-name P --name N [--force true]"},
      {"registered-prefix validate", "pfx.v1.Registrations", "ValidateRegisteredPrefix",
       "--peering-name P --name N"},
      {"registered-asn create", "pfx.v1.Registrations", "CreateRegisteredAsn",
       "--peering-name P --name N --asn 13335"},
      {"registered-asn show", "pfx.v1.Registrations", "GetRegisteredAsn",
       "--peering-name P --name N"},
      {"registered-asn list", "pfx.v1.Registrations", "ListRegisteredAsns", "[--peering-name P]"},
      {"registered-asn delete", "pfx.v1.Registrations", "DeleteRegisteredAsn",
       "--peering-name P --name N [--force true]"},
      {"service create", "pfx.v1.PeeringServices", "CreatePeeringService",
       "--name S --country C --provider-asn A --provider-name NAME --primary-peering-location L "
       "[--backup-peering-location B]"},
      {"service show", "pfx.v1.PeeringServices", "GetPeeringService", "--name S"},
      {"service list", "pfx.v1.PeeringServices", "ListPeeringServices", ""},
      {"service delete", "pfx.v1.PeeringServices", "DeletePeeringService", "--name S"},
      {"service prefix create", "pfx.v1.PeeringServices", "CreatePeeringServicePrefix",
       "--peering-service-name S --name N --prefix P --peering-service-prefix-key K"},
      {"service prefix show", "pfx.v1.PeeringServices", "GetPeeringServicePrefix",
       "--peering-service-name S --name N"},
      {"service prefix list", "pfx.v1.PeeringServices", "ListPeeringServicePrefixes",
       "--peering-service-name S"},
      {"service prefix delete", "pfx.v1.PeeringServices", "DeletePeeringServicePrefix",
       "--peering-service-name S --name N"},
      {"received-route list", "pfx.v1.Routes", "ListReceivedRoutes",
       "--peering-name P [--prefix X] [--as-path S]"},
      {"session list", "pfx.v1.Routes", "ListSessions", "[--peering-name P]"},
      {"revalidate", "pfx.v1.Validation", "Revalidate",
       "[--peering-name P] [--states FAILED,WARNING] [--prefixes ...]"},
      {"explain", "pfx.v1.Validation", "Explain",
       "--kind registered-prefix|peering-service-prefix --parent P --name N | --dry-run "
       "--peering-name P --prefix X | --dry-run --provider-asn A --primary-peering-location L "
       "[--backup-peering-location B] --prefix X [--peering-service-prefix-key K]"},
      {"watch", "pfx.v1.Validation", "WatchValidation",
       "[--peering-name P] [--peering-service-name S]"},
      {"route announce", "pfx.v1.RouteInjection", "AnnounceRoutes",
       "--router R --peer-address A --prefix X --as-path '13335' --communities 8075:8007"},
      {"route withdraw", "pfx.v1.RouteInjection", "WithdrawRoutes",
       "--router R --peer-address A --prefixes X"},
      {"session set-state", "pfx.v1.RouteInjection", "SetSessionState",
       "--router R --peer-address A --established true [--initial-table-complete true]"},
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
