//! The words of e-mail, in every language we ship — the server's part of the translation layer
//! (`crate::i18n` holds the apps'; these never reach a browser, so they stay out of the apps'
//! downloads). `{name}`-style placeholders are filled by `compose`, escaped for HTML there.

use crate::dto::Notice;
use crate::i18n::Lang;

macro_rules! texts {
    ($($name:ident => $en:literal, $bs:literal;)*) => {
        /// One piece of an e-mail.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Text { $($name),* }

        impl Text {
            pub const ALL: &'static [Text] = &[$(Text::$name),*];

            pub fn get(self, lang: Lang) -> &'static str {
                const TABLE: &[[&str; 2]] = &[$([$en, $bs]),*];
                TABLE[self as usize][match lang {
                    Lang::En => 0,
                    Lang::Bs => 1,
                }]
            }
        }
    };
}

texts! {
    Greeting => "Hello {name},", "Zdravo, {name},";
    OpenIt => "Open the ticket", "Otvorite tiket";
    ReplyByMail => "You can also answer by replying to this e-mail.",
        "Možete odgovoriti i odgovorom na ovu e-poruku.";
    Footer => "You choose which e-mails you get under your account in {company}'s help desk.",
        "Koje e-poruke primate birate u svom računu na podršci {company}.";
    Quoted => "{author} wrote:", "{author} je napisao/la:";
    ReceivedSubject => "We received your request", "Primili smo vaš zahtjev";
    ReceivedLead => "We received your request {ref} and will answer it as soon as we can.",
        "Primili smo vaš zahtjev {ref} i odgovorit ćemo što prije.";
    AnsweredSubject => "New answer", "Novi odgovor";
    AnsweredLead => "There is an answer on your request {ref}.",
        "Stigao je odgovor na vaš zahtjev {ref}.";
    ReturnedSubject => "We need more information", "Trebamo više informacija";
    ReturnedLead => "To go on with {ref} we need more information from you. Answer in the portal.",
        "Za nastavak rada na zahtjevu {ref} trebamo više informacija od vas. Odgovorite na portalu.";
    ProposedSubject => "A solution is proposed", "Predloženo je rješenje";
    ProposedLead => "A solution is proposed for {ref}. If it solves your problem, confirm it in the portal; if not, say so there. Without an answer the ticket closes by itself.",
        "Za zahtjev {ref} predloženo je rješenje. Ako rješava vaš problem, potvrdite ga na portalu; ako ne, javite nam tamo. Bez odgovora tiket se zatvara sam.";
    ClosedSubject => "Closed", "Zatvoren";
    ClosedLead => "Your request {ref} is closed. How did we do? Tell us under the ticket in the portal.",
        "Vaš zahtjev {ref} je zatvoren. Kako smo bili? Recite nam ispod tiketa na portalu.";
    ReopenedSubject => "Reopened", "Ponovo otvoren";
    ReopenedLead => "The ticket {ref} was opened again.", "Tiket {ref} je ponovo otvoren.";
    AssignedSubject => "Assigned to you", "Dodijeljen vama";
    AssignedLead => "The ticket {ref} from {client} is now yours.",
        "Tiket {ref} od klijenta {client} je sada vaš.";
    ClientAnsweredSubject => "The client answered", "Klijent je odgovorio";
    ClientAnsweredLead => "{client} wrote on {ref}.", "Klijent {client} je pisao na tiketu {ref}.";
    SlaWarningSubject => "Service-level target near", "Cilj nivoa usluge je blizu";
    SlaWarningLead => "A service-level target of {ref} from {client} is near. Answer it soon.",
        "Cilj nivoa usluge za tiket {ref} od klijenta {client} je blizu. Odgovorite uskoro.";
    SlaBreachedSubject => "Service-level target missed", "Cilj nivoa usluge je propušten";
    SlaBreachedLead => "A service-level target of {ref} from {client} was missed.",
        "Cilj nivoa usluge za tiket {ref} od klijenta {client} je propušten.";
    TestSubject => "Test e-mail", "Probna e-poruka";
    WebhookPausedSubject => "A webhook was paused", "Webhook je pauziran";
    WebhookPausedLead => "Deliveries to one of {company}'s webhooks kept failing, so it was paused; they wait. Look at its deliveries under Webhooks in the admin console and resume it when its receiver works again.",
        "Isporuke jednom od webhookova podrške {company} stalno nisu uspijevale, pa je pauziran; one čekaju. Pogledajte njegove isporuke pod Webhooks u administratorskoj konzoli i nastavite ga kad njegov primalac ponovo radi.";
    TestLead => "This is a test e-mail from {company}'s help desk. E-mail goes out.",
        "Ovo je probna e-poruka podrške {company}. E-pošta odlazi.";
}

/// A notice's subject and its opening sentence.
pub fn of(notice: Notice) -> (Text, Text) {
    match notice {
        Notice::Received => (Text::ReceivedSubject, Text::ReceivedLead),
        Notice::Answered => (Text::AnsweredSubject, Text::AnsweredLead),
        Notice::Returned => (Text::ReturnedSubject, Text::ReturnedLead),
        Notice::Proposed => (Text::ProposedSubject, Text::ProposedLead),
        Notice::Closed => (Text::ClosedSubject, Text::ClosedLead),
        Notice::Reopened => (Text::ReopenedSubject, Text::ReopenedLead),
        Notice::Assigned => (Text::AssignedSubject, Text::AssignedLead),
        Notice::ClientAnswered => (Text::ClientAnsweredSubject, Text::ClientAnsweredLead),
        Notice::SlaWarning => (Text::SlaWarningSubject, Text::SlaWarningLead),
        Notice::SlaBreached => (Text::SlaBreachedSubject, Text::SlaBreachedLead),
        Notice::Test => (Text::TestSubject, Text::TestLead),
        Notice::WebhookPaused => (Text::WebhookPausedSubject, Text::WebhookPausedLead),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_written_in_every_language() {
        for text in Text::ALL {
            for lang in Lang::ALL {
                assert!(!text.get(lang).trim().is_empty(), "{text:?} in {lang:?}");
            }
            // A translation keeps the placeholders of the English text.
            let placeholders = |s: &str| {
                let mut found: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_string()))
                    .collect();
                found.sort();
                found
            };
            assert_eq!(
                placeholders(text.get(Lang::En)),
                placeholders(text.get(Lang::Bs)),
                "{text:?}"
            );
        }
    }
}
