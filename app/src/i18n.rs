//! The translation layer: every user-facing string of the three apps comes from here.
//! English and Bosnian ship; a new language is one more arm in `messages!` and `Lang`.

use crate::canned::PLACEHOLDERS;
use crate::dto::{Edition, Role, TicketEvent};
use crate::error::{AppError, Field, LicenceFault, Problem, Refusal};
use crate::events::{CallStep, ChatStep, EventKind, Via, Why};
use crate::tickets::{Status, RATING_DAYS};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Bs,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Bs];

    /// BCP 47 code, for `<html lang>` and storage.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Bs => "bs",
        }
    }

    /// The locale dates and numbers are written in (English as in Europe: day first, 24 h).
    /// Bosnian dates are written as Croatian ones ("3. 12. 2026. 14:30"), whose locale data
    /// every browser carries (Chromium's reduced ICU has none for `bs`).
    pub fn locale(self) -> &'static str {
        match self {
            Lang::En => "en-GB",
            Lang::Bs => "hr-HR",
        }
    }

    /// Which form of a counted word `n` takes: English `[one, other]`; Bosnian `[one, few,
    /// many]` (1, 21, 31… · 2–4, 22–24… · 0, 5–20, 25…).
    pub fn plural(self, n: i64, forms: [&str; 3]) -> &str {
        let n = n.unsigned_abs();
        match self {
            Lang::En if n == 1 => forms[0],
            Lang::En => forms[1],
            Lang::Bs if n % 10 == 1 && n % 100 != 11 => forms[0],
            Lang::Bs if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) => forms[1],
            Lang::Bs => forms[2],
        }
    }

    /// A calendar day (`2026-12-24`, as stored) the language's way: "24 Dec 2026",
    /// "24. 12. 2026."; anything else as it is.
    pub fn day(self, iso: &str) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let parts: Vec<u32> = iso.split('-').filter_map(|p| p.parse().ok()).collect();
        match (self, parts.as_slice()) {
            (Lang::En, &[y, m @ 1..=12, d]) => format!("{d} {} {y}", MONTHS[m as usize - 1]),
            (Lang::Bs, &[y, m, d]) => format!("{d}. {m}. {y}."),
            _ => iso.to_string(),
        }
    }

    /// The language's own name, for the picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Bs => "Bosanski",
        }
    }

    /// From a stored code or a browser language tag (`bs-BA`, `hr`, `sr-Latn`…): the closest
    /// language we ship. Croatian and Serbian readers get Bosnian, which they read natively.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "bs" | "hr" | "sr" | "sh" | "cnr" => Some(Lang::Bs),
            _ => None,
        }
    }
}

macro_rules! messages {
    ($($name:ident => $en:literal, $bs:literal;)*) => {
        /// A fixed piece of UI text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Msg { $($name),* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];
            /// Each message's text per language, in `Msg` and `Lang` order: a table, not a
            /// match, so it is data rather than code in every app.
            const TEXT: &'static [[&'static str; 2]] = &[$([$en, $bs]),*];

            pub fn text(self, lang: Lang) -> &'static str {
                Self::TEXT[self as usize][lang as usize]
            }
        }
    };
}

messages! {
    AppClient => "Client portal", "Klijentski portal";
    AppOperator => "Operator console", "Operaterska konzola";
    AppAdmin => "Admin console", "Administratorska konzola";
    DefaultCompany => "Support", "Podrška";
    Loading => "Loading…", "Učitavanje…";
    Language => "Language", "Jezik";
    MainNavigation => "Main navigation", "Glavna navigacija";
    SignInTitle => "Sign in", "Prijava";
    SignInIntro => "Use the username and password you were given.", "Koristite korisničko ime i lozinku koje ste dobili.";
    Username => "Username", "Korisničko ime";
    Password => "Password", "Lozinka";
    SignIn => "Sign in", "Prijavi se";
    SignOut => "Sign out", "Odjavi se";
    ChangePasswordTitle => "Change password", "Promjena lozinke";
    MustChangeIntro => "You signed in with a one-time password. Choose your own password before you continue.", "Prijavili ste se jednokratnom lozinkom. Prije nastavka odaberite vlastitu lozinku.";
    CurrentPassword => "Current password", "Trenutna lozinka";
    NewPassword => "New password", "Nova lozinka";
    RepeatPassword => "Repeat the new password", "Ponovite novu lozinku";
    PasswordHint => "At least 12 characters. A phrase of a few words is easy to remember and hard to guess.", "Najmanje 12 znakova. Rečenica od nekoliko riječi se lako pamti, a teško pogađa.";
    PasswordsDiffer => "The two new passwords are not the same.", "Dvije nove lozinke nisu iste.";
    ChangePassword => "Change password", "Promijeni lozinku";
    Sessions => "Where you are signed in", "Gdje ste prijavljeni";
    SessionsHint => "Each browser signed in as you. End any you do not recognise: it is signed out at its next step.", "Svaki preglednik prijavljen kao vi. Završite svaku sesiju koju ne prepoznajete: odjavljuje se pri sljedećem koraku.";
    SessionApp => "App", "Aplikacija";
    SessionBrowser => "Browser", "Preglednik";
    SessionAddress => "Address", "Adresa";
    SignedInAt => "Signed in", "Prijava";
    LastActive => "Last active", "Posljednja aktivnost";
    ThisSession => "This browser", "Ovaj preglednik";
    Session => "Session", "Sesija";
    EndSession => "End", "Završi";
    EndOtherSessions => "End all other sessions", "Završi sve ostale sesije";
    UnknownBrowser => "Unknown browser", "Nepoznat preglednik";
    TwoFactor => "Two-factor sign-in", "Prijava u dva koraka";
    TwoFactorIntro => "Besides your password, signing in asks for a six-digit code from an authenticator app on your phone (such as Aegis, FreeOTP, Google or Microsoft Authenticator).", "Uz lozinku, prijava traži šestocifreni kod iz aplikacije za autentifikaciju na vašem telefonu (npr. Aegis, FreeOTP, Google ili Microsoft Authenticator).";
    TwoFactorRequiredIntro => "Your role signs in with two factors. Set up your authenticator app to continue.", "Vaša uloga se prijavljuje u dva koraka. Podesite aplikaciju za autentifikaciju da biste nastavili.";
    TwoFactorIsOn => "Two-factor sign-in is on.", "Prijava u dva koraka je uključena.";
    TwoFactorIsOff => "Two-factor sign-in is off.", "Prijava u dva koraka je isključena.";
    TwoFactorRequiredNote => "Your role must sign in with two factors, so it cannot be turned off.", "Vaša uloga se mora prijavljivati u dva koraka, pa se to ne može isključiti.";
    RecoveryCodesLeft => "Recovery codes left:", "Preostalih kodova za oporavak:";
    SetUpTwoFactor => "Set up two-factor sign-in", "Podesi prijavu u dva koraka";
    ScanQrCode => "Scan this QR code with your authenticator app, or type the key in. Then enter the code the app shows.", "Skenirajte ovaj QR kod aplikacijom za autentifikaciju ili upišite ključ. Zatim unesite kod koji aplikacija prikaže.";
    QrCode => "QR code for the authenticator app", "QR kod za aplikaciju za autentifikaciju";
    SecretKey => "Key", "Ključ";
    AuthCode => "Code from the app", "Kod iz aplikacije";
    AuthCodeHint => "Six digits from your authenticator app, or one of your recovery codes.", "Šest cifara iz aplikacije za autentifikaciju ili jedan od kodova za oporavak.";
    TurnOnTwoFactor => "Turn on", "Uključi";
    TurnOffTwoFactor => "Turn off", "Isključi";
    NewRecoveryCodes => "New recovery codes", "Novi kodovi za oporavak";
    RecoveryCodes => "Recovery codes", "Kodovi za oporavak";
    RecoveryCodesOnce => "Keep these somewhere safe, apart from your phone: each one signs you in once if you lose it. They are shown only now.", "Čuvajte ih na sigurnom mjestu, odvojeno od telefona: svaki vas jednom prijavljuje ako ga izgubite. Prikazuju se samo sada.";
    TwoFactorShort => "Two-factor", "Dva koraka";
    ResetTwoFactor => "Reset two-factor", "Poništi dva koraka";
    ConfirmResetTwoFactor => "Remove this person's second factor? They sign in with their password alone until they set up a new one.", "Ukloniti drugi korak prijave ove osobe? Prijavljivaće se samo lozinkom dok ne podesi novi.";
    TwoFactorRolesHint => "People of the checked roles must set up two-factor sign-in before they can do anything else. The others may.", "Osobe označenih uloga moraju podesiti prijavu u dva koraka prije bilo čega drugog. Ostali mogu.";
    StateOn => "On", "Uključeno";
    StateOff => "Off", "Isključeno";
    AuditLog => "Audit log", "Revizijski zapis";
    AuditHint => "Every sign-in, every change of a password or second factor, and every use of an administrator's powers, with who did it, from where and when. Nobody can change or delete a row.", "Svaka prijava, svaka promjena lozinke ili drugog koraka prijave i svaka upotreba administratorskih ovlasti, s tim ko je to učinio, odakle i kada. Niko ne može izmijeniti ni obrisati red.";
    AuditAct => "Act", "Radnja";
    AuditAnyAct => "Every act", "Sve radnje";
    AuditPerson => "Person", "Osoba";
    AuditPersonHint => "Part of a username.", "Dio korisničkog imena.";
    AuditTarget => "On", "Nad";
    AuditDetail => "Detail", "Pojedinosti";
    AuditTime => "When", "Kada";
    AuditMachine => "The server's command line", "Komandna linija servera";
    AuditEmpty => "Nothing recorded matches.", "Ništa zabilježeno ne odgovara.";
    PasswordChanged => "Your password has been changed. Your other sessions were signed out.", "Lozinka je promijenjena. Ostale sesije su odjavljene.";
    Account => "Account", "Nalog";
    WrongAppTitle => "This app is not for your account", "Ova aplikacija nije za vaš nalog";
    WrongAppText => "You are signed in with an account that belongs to another app.", "Prijavljeni ste nalogom koji pripada drugoj aplikaciji.";
    GoToYourApp => "Go to your app", "Idite na svoju aplikaciju";
    Accounts => "Accounts", "Nalozi";
    Settings => "Settings", "Postavke";
    CompanyName => "Company or service name", "Naziv firme ili usluge";
    CompanyNameHint => "Shown in all three apps: title, header and sign-in page.", "Prikazuje se u sve tri aplikacije: naslov, zaglavlje i stranica za prijavu.";
    Save => "Save", "Sačuvaj";
    Saved => "Saved.", "Sačuvano.";
    ClientView => "What clients see", "Šta klijenti vide";
    ForcedReasonsToClients => "Show clients the reason when an admin forces a status", "Prikaži klijentima razlog kada administrator prisilno promijeni status";
    ForcedReasonsHint => "Off: clients see that the status changed, not your reason — it may be an internal remark.", "Isključeno: klijenti vide da je status promijenjen, ali ne i vaš razlog — on može biti interna napomena.";
    NewAccount => "New account", "Novi nalog";
    CreateAccount => "Create account", "Kreiraj nalog";
    FullName => "Full name", "Ime i prezime";
    EmailOptional => "E-mail (optional)", "E-mail (neobavezno)";
    Role => "Role", "Uloga";
    RoleClient => "Client", "Klijent";
    RoleOperator => "Operator", "Operater";
    RoleAdmin => "Administrator", "Administrator";
    Status => "Status", "Status";
    Actions => "Actions", "Akcije";
    Name => "Name", "Ime";
    CredentialsTitle => "Credentials to hand over", "Pristupni podaci za predaju";
    CredentialsOnce => "This one-time password is shown only now and will not be shown again. It must be replaced at the first sign-in. It expires:", "Ova jednokratna lozinka se prikazuje samo sada i neće biti ponovo prikazana. Mora se zamijeniti pri prvoj prijavi. Ističe:";
    OneTimePassword => "One-time password", "Jednokratna lozinka";
    Copy => "Copy", "Kopiraj";
    Copied => "Copied", "Kopirano";
    Done => "Done", "Gotovo";
    ResetPassword => "Reset password", "Resetuj lozinku";
    ConfirmReset => "Reset this password? The current one stops working and the account is signed out everywhere.", "Resetovati ovu lozinku? Trenutna prestaje važiti i nalog se odjavljuje svuda.";
    Disable => "Disable", "Onemogući";
    Enable => "Enable", "Omogući";
    ConfirmDisable => "Disable this account? It is signed out everywhere and cannot sign in until enabled.", "Onemogućiti ovaj nalog? Odjavljuje se svuda i ne može se prijaviti dok se ne omogući.";
    StateActive => "Active", "Aktivan";
    StateDisabled => "Disabled", "Onemogućen";
    StatePending => "Awaiting first sign-in", "Čeka prvu prijavu";
    NoAccounts => "No accounts yet besides yours. Create the first one with the form above.", "Osim vašeg još nema naloga. Kreirajte prvi pomoću obrasca iznad.";
    EditionFree => "Free edition", "Besplatna verzija";
    EditionCommercial => "Commercial edition", "Komercijalna verzija";
    Unlimited => "unlimited", "neograničeno";
    EditionLimitNote => "At the limit, new accounts of that role cannot be created; disable one first or install a licence with more.", "Kada se dostigne ograničenje, novi nalozi te uloge se ne mogu kreirati; prvo onemogućite neki ili instalirajte licencu s više naloga.";
    OverLimit => "More active accounts than the edition allows: they keep working, but no new one of this role can be made until within the limit.", "Više aktivnih naloga nego što verzija dozvoljava: i dalje rade, ali se novi nalog ove uloge ne može kreirati dok se ne bude unutar ograničenja.";
    LicensedTo => "Licensed to", "Licencirano za";
    LicenceIssued => "Issued", "Izdato";
    LicenceExpires => "Valid through", "Važi do";
    LicenceNeverExpires => "no expiry", "bez isteka";
    LicenceExpired => "This licence has expired: the free edition's limits apply again. Nothing was deleted; install a renewed licence to lift them.", "Ova licenca je istekla: ponovo važe ograničenja besplatne verzije. Ništa nije obrisano; instalirajte obnovljenu licencu da ih uklonite.";
    InstallLicence => "Install a licence", "Instaliraj licencu";
    Install => "Install", "Instaliraj";
    LicenceText => "Licence text (paste it)", "Tekst licence (zalijepite ga)";
    LicenceFile => "…or choose the licence file", "…ili odaberite datoteku licence";
    LicenceInstalled => "Licence installed.", "Licenca je instalirana.";
    NotFound => "There is no such page here.", "Ovdje nema takve stranice.";
    Home => "Home", "Početna";
    You => "you", "vi";
    Subject => "Subject", "Naslov";
    Description => "Description", "Opis";
    Text => "Text", "Tekst";
    Reason => "Reason", "Razlog";
    Request => "Request", "Zahtjev";
    Category => "Category", "Kategorija";
    EarlierTicket => "Earlier ticket", "Raniji tiket";
    OriginalReference => "Reference before import", "Referenca prije uvoza";
    Tickets => "Tickets", "Tiketi";
    MyTickets => "My tickets", "Moji tiketi";
    Queue => "My queue", "Moj red";
    AllTickets => "All tickets", "Svi tiketi";
    NewTicket => "New ticket", "Novi tiket";
    OpenTicket => "Open the ticket", "Otvori tiket";
    Priority => "Priority", "Prioritet";
    PriorityHint => "Critical: work has stopped. High: seriously hampered. Normal: a problem with a workaround. Low: a question or a wish.", "Kritičan: rad je stao. Visok: ozbiljno otežano. Normalan: problem koji se može zaobići. Nizak: pitanje ili želja.";
    Reference => "Reference", "Broj";
    Updated => "Updated", "Ažurirano";
    Client => "Client", "Klijent";
    Privacy => "Privacy", "Privatnost";
    ExportMyData => "Download my data", "Preuzmi moje podatke";
    ExportMyDataHelp => "Everything kept here about you — your account, tickets, the messages you can read, your files and ratings — in one zip file.", "Sve što se ovdje čuva o vama — nalog, tiketi, poruke koje vidite, vaše datoteke i ocjene — u jednoj zip datoteci.";
    ExportData => "Export data", "Izvoz podataka";
    Erase => "Erase", "Obriši";
    EraseClientTitle => "Erase this client for good", "Trajno brisanje klijenta";
    EraseClientHelp => "Their name, contact and sign-in data are replaced and their files deleted. Their tickets stay, without their name, so the statistics stay right. This cannot be undone.", "Ime, kontakt i podaci za prijavu se zamjenjuju, a datoteke brišu. Tiketi ostaju, bez imena, da statistika ostane tačna. Ovo se ne može poništiti.";
    KeepTicketTexts => "Keep the texts of their tickets (subjects, messages, notes)", "Zadrži tekstove tiketa (naslove, poruke, bilješke)";
    TypeUsernameToConfirm => "Type their username to confirm", "Upišite korisničko ime klijenta za potvrdu";
    EraseForGood => "Erase for good", "Trajno obriši";
    PrivacyNotice => "Privacy notice", "Obavijest o privatnosti";
    ApiTokens => "API tokens", "API tokeni";
    ApiTokensHint => "A token lets another program use Šalter's REST API (/api/v1) as you, within the scopes you tick. It is shown once; keep it like a password, and revoke it when the program no longer needs it.", "Token omogućava drugom programu da koristi Šalterov REST API (/api/v1) u vaše ime, u okviru označenih ovlasti. Prikazuje se jednom; čuvajte ga kao lozinku i opozovite ga kada programu više ne treba.";
    ApiTokensAdminHint => "Every token in use. A token for an integration acts as the account you choose and can never do more than that account could.", "Svi tokeni u upotrebi. Token za integraciju radi u ime računa koji odaberete i nikada ne može više od tog računa.";
    NoApiTokens => "No tokens yet.", "Još nema tokena.";
    TokenName => "Token name", "Naziv tokena";
    TokenScopes => "Scopes", "Ovlasti";
    TokenExpiry => "Expires after (days)", "Ističe nakon (dana)";
    TokenExpiryHint => "Empty: it does not expire.", "Prazno: ne ističe.";
    TokenAccount => "Acts as", "Radi u ime";
    TokenForMe => "Me", "Ja";
    State => "State", "Stanje";
    CreateToken => "Create token", "Napravi token";
    TokenCreated => "Copy this token now; it will not be shown again:", "Kopirajte ovaj token sada; više se neće prikazati:";
    RevokeToken => "Revoke", "Opozovi";
    TokenRevoked => "revoked", "opozvan";
    TokenExpired => "expired", "istekao";
    TokenNeverUsed => "never used", "nije korišten";
    TokenNeverExpires => "never", "nikad";
    LastUsed => "Last used", "Zadnje korištenje";
    Expires => "Expires", "Ističe";
    ScopeTicketsRead => "read tickets", "čitanje tiketa";
    ScopeTicketsWrite => "write tickets", "pisanje tiketa";
    ScopeAccountsRead => "read accounts", "čitanje računa";
    ScopeAccountsManage => "manage accounts", "upravljanje računima";
    ScopeArticlesRead => "read articles", "čitanje članaka";
    ScopeStatisticsRead => "read statistics", "čitanje statistike";
    ApiReference => "The API's reference: every operation, its scope and its answers", "Referenca API-ja: svaka operacija, njen opseg i njeni odgovori";
    Webhooks => "Webhooks", "Webhooks";
    WebhooksHint => "Šalter posts each chosen kind of ticket event to these addresses as it happens, as JSON signed with the webhook's secret (the Salter-Signature header: t=<Unix seconds>,v1=<HMAC-SHA256 of \"<t>.<body>\" in hex>). A receiver that does not answer is tried again for a day; one that keeps failing is paused and you are told.", "Šalter šalje svaku odabranu vrstu događaja na tiketu na ove adrese čim se desi, kao JSON potpisan tajnom webhooka (zaglavlje Salter-Signature: t=<Unix sekunde>,v1=<HMAC-SHA256 od \"<t>.<tijelo>\" heksadecimalno>). Primalac koji ne odgovori pokušava se ponovo jedan dan; onaj koji stalno ne uspijeva pauzira se i dobijate obavijest.";
    NoWebhooks => "No webhooks yet.", "Još nema webhookova.";
    WebhookUrl => "Receiver URL", "URL primaoca";
    WebhookTopics => "Events", "Događaji";
    WebhookAllowPrivate => "Allow an address on this machine or a private network", "Dozvoli adresu na ovom računaru ili u privatnoj mreži";
    WebhookAllowPrivateHint => "Only for a receiver you run yourself inside your network: otherwise such addresses are refused, so that no one can use Šalter to reach what is behind it.", "Samo za primaoca kojeg sami vodite u svojoj mreži: inače se takve adrese odbijaju, da niko ne bi preko Šaltera dosegao ono što je iza njega.";
    AddWebhook => "Add webhook", "Dodaj webhook";
    WebhookCreated => "Copy the secret now to verify signatures; it will not be shown again:", "Kopirajte tajnu sada za provjeru potpisa; više se neće prikazati:";
    WebhookActive => "Active", "Aktivan";
    WebhookPausedByAdmin => "Paused", "Pauziran";
    WebhookPausedByFailures => "Paused: its receiver kept failing", "Pauziran: primalac stalno nije uspijevao";
    WebhookFailing => "Failed attempts in a row", "Neuspjelih pokušaja zaredom";
    PauseWebhook => "Pause", "Pauziraj";
    ResumeWebhook => "Resume", "Nastavi";
    DeleteWebhook => "Delete", "Obriši";
    ShowDeliveries => "Deliveries", "Isporuke";
    NoDeliveries => "Nothing sent yet.", "Još ništa nije poslano.";
    Delivered => "Delivered", "Isporučeno";
    DeliveryWaiting => "Waiting", "Čeka";
    DeliveryFailed => "Given up", "Odustano";
    Attempts => "Attempts", "Pokušaji";
    NoAnswer => "no answer", "bez odgovora";
    SendAgain => "Send again", "Pošalji ponovo";
    SentAgain => "Queued to be sent again.", "Stavljeno u red za ponovno slanje.";
    TopicCreated => "ticket opened", "tiket otvoren";
    TopicStatusChanged => "status changed", "status promijenjen";
    TopicAssigned => "assigned", "dodijeljen";
    TopicMessage => "message", "poruka";
    TopicNote => "internal note", "interna bilješka";
    TopicSlaBreached => "service-level target missed", "cilj nivoa usluge propušten";
    TopicRated => "rated by the client", "ocijenjen od klijenta";
    PrivacyNoticeHint => "What you do with clients' data and why, in Markdown. Clients read it from the sign-in page and accept it once before using the portal; a changed notice is asked again. Empty: none.", "Šta radite s podacima klijenata i zašto, u Markdownu. Klijenti je čitaju sa stranice za prijavu i prihvataju jednom prije korištenja portala; izmijenjena obavijest se traži ponovo. Prazno: nema je.";
    AcceptNotice => "I accept", "Prihvatam";
    AcceptNoticeIntro => "Please read how your data is handled, then accept to continue.", "Molimo pročitajte kako se postupa s vašim podacima, zatim prihvatite da nastavite.";
    NoticeAccepted => "You accepted the privacy notice on", "Obavijest o privatnosti ste prihvatili";
    NoticeAcceptedColumn => "Privacy notice", "Obavijest o privatnosti";
    NotYet => "not yet", "još ne";
    Retention => "How long closed tickets are kept", "Koliko dugo se čuvaju zatvoreni tiketi";
    RetentionHint => "Past this many days after closing, a ticket's texts and files are erased every hour; the ticket itself stays, without them, so the statistics stay right. Empty: kept for ever.", "Nakon ovoliko dana od zatvaranja, tekstovi i datoteke tiketa se brišu svakog sata; sam tiket ostaje, bez njih, da statistika ostane tačna. Prazno: čuva se zauvijek.";
    RetentionDays => "Days after closing", "Dana nakon zatvaranja";
    CheckFirst => "Check", "Provjeri";
    KeptForEver => "Closed tickets are kept for ever.", "Zatvoreni tiketi se čuvaju zauvijek.";
    Operator => "Operator", "Operater";
    Unassigned => "not assigned yet", "još nije dodijeljen";
    NoTickets => "No tickets here yet.", "Ovdje još nema tiketa.";
    NoTicketsClient => "You have no tickets yet. Open one when you need help.", "Još nemate tiketa. Otvorite jedan kada vam zatreba pomoć.";
    NoTicketsQueue => "Your queue is empty. Tickets assigned to you will appear here.", "Vaš red je prazan. Ovdje će se pojaviti tiketi dodijeljeni vama.";
    LoadMore => "Show more", "Prikaži još";
    Search => "Search", "Pretraga";
    SearchWords => "Words in the subject, description or messages", "Riječi iz naslova, opisa ili poruka";
    AllStatuses => "All statuses", "Svi statusi";
    Thread => "Conversation", "Razgovor";
    History => "History", "Historija";
    InternalNote => "Internal note", "Interna bilješka";
    InternalNoteHint => "Only operators and administrators see internal notes.", "Interne bilješke vide samo operateri i administratori.";
    Send => "Send", "Pošalji";
    Preview => "Preview", "Pregled";
    Reconnecting => "Offline — reconnecting…", "Veza prekinuta — ponovno povezivanje…";
    NewInQueue => "New in your queue", "Novo u vašem redu";
    SoundAlert => "Sound for new tickets", "Zvuk za nove tikete";
    AllowNotifications => "Notify me on this computer", "Obavještavaj me na ovom računaru";
    Dismiss => "Dismiss", "Skloni";
    PreviewHint => "How the message will read: **bold**, *italic*, lists with -, links.", "Kako će poruka izgledati: **podebljano**, *koso*, liste sa -, linkovi.";
    AddNote => "Add internal note", "Dodaj internu bilješku";
    Message => "Message", "Poruka";
    ReturnedBanner => "The operator needs more information from you:", "Operater treba još informacija od vas:";
    MoveAssign => "Assign", "Dodijeli";
    MoveEscalate => "Escalate to the next tier", "Proslijedi na sljedeći nivo";
    Tier => "Support tier", "Nivo podrške";
    TierHint => "1 for first line, 2 for second line, …: tickets go to operators of their tier; an escalated ticket goes up one.", "1 za prvu liniju, 2 za drugu, …: tiketi idu operaterima svog nivoa; proslijeđen tiket ide nivo više.";
    EscalateOnBreach => "Escalate a ticket to the next tier when it misses a target", "Proslijedi tiket na sljedeći nivo kad propusti cilj";
    EventEscalated => "escalated the ticket to tier", "proslijedio tiket na nivo";
    AfterMissedTarget => "after a missed target", "nakon propuštenog cilja";
    WhyEscalated => "escalated", "proslijeđen";
    MoveStart => "Start work", "Započni rad";
    MoveAnswer => "Send the answer", "Pošalji odgovor";
    SendAndReturn => "Send and ask the client", "Pošalji i pitaj klijenta";
    SendAndClose => "Send and close the ticket", "Pošalji i zatvori tiket";
    MoveCloseClient => "My problem is solved", "Moj problem je riješen";
    MoveReopen => "Reopen", "Ponovo otvori";
    NeedsAnswer => "Your answer", "Vaš odgovor";
    SendAndPropose => "Send as the proposed solution", "Pošalji kao prijedlog rješenja";
    MoveConfirm => "Yes, this solves it", "Da, ovo rješava problem";
    MoveReject => "Not solved: send", "Nije riješeno: pošalji";
    NeedsWhatIsWrong => "If it is not solved, tell us what still does not work", "Ako nije riješeno, napišite šta još ne radi";
    ProposedBanner => "A solution is proposed. Does it solve your problem?", "Predloženo je rješenje. Da li rješava vaš problem?";
    ProposedClosesOn => "Without your answer the ticket closes by itself on", "Bez vašeg odgovora tiket se sam zatvara";
    ProposedUntil => "Proposed solution, waiting for the client until", "Predloženo rješenje, čeka klijenta do";
    SolutionDays => "Days a proposed solution waits for the client", "Dani koje predloženo rješenje čeka klijenta";
    ChatWeight => "A live chat counts in its operator's load as", "Chat uživo se u opterećenje operatera računa kao";
    VoiceCall => "Voice call", "Glasovni poziv";
    VideoCall => "Video call", "Video poziv";
    CallPermissionHint => "When the call starts, the browser asks to use the microphone (and the camera for video): allow it to talk. Nothing of the call is recorded.", "Kada poziv počne, preglednik traži pristup mikrofonu (i kameri za video): dozvolite ga da biste razgovarali. Ništa od poziva se ne snima.";
    CallFrom => "Call from", "Poziv od";
    CallingTo => "Calling", "Pozivanje";
    InCallWith => "In a call with", "U pozivu sa";
    CallEnded => "Call ended", "Poziv završen";
    AnswerCall => "Answer", "Javi se";
    DeclineCall => "Decline", "Odbij";
    HangUp => "Hang up", "Prekini";
    Mute => "Mute", "Isključi mikrofon";
    Unmute => "Unmute", "Uključi mikrofon";
    CameraOff => "Camera off", "Isključi kameru";
    CameraOn => "Camera on", "Uključi kameru";
    ShareScreen => "Share screen", "Podijeli ekran";
    StopSharing => "Stop sharing", "Prestani dijeliti";
    CallReceived => "Received", "Primljeno";
    TheirMicOff => "Their microphone is off.", "Njihov mikrofon je isključen.";
    TheirPicture => "Their picture", "Njihova slika";
    YourPicture => "Your picture", "Vaša slika";
    NoMedia => "The microphone or camera could not be used: check the browser's permission for this site.", "Mikrofon ili kamera se ne mogu koristiti: provjerite dozvolu preglednika za ovu stranicu.";
    IceServers => "STUN and TURN servers", "STUN i TURN serveri";
    IceServersHint => "One per line: the address (stun:, stuns:, turn: or turns:) and, for TURN, its username and credential. None are needed when both sides are on one network.", "Jedan po redu: adresa (stun:, stuns:, turn: ili turns:) i, za TURN, korisničko ime i lozinka. Nisu potrebni kada su obje strane na istoj mreži.";
    ClientsMayCall => "Clients may ask for a call", "Klijenti mogu zatražiti poziv";
    Calls => "Calls", "Pozivi";
    CallsHint => "Voice and video calls go straight between the two browsers; nothing of them is recorded. The ticket keeps only when a call rang, was answered and ended.", "Glasovni i video pozivi idu direktno između dva preglednika; ništa od njih se ne snima. Tiket čuva samo kada je poziv zvonio, kada je odgovoren i kada je završen.";
    ChatWeightHint => "tickets (1–5): an operator in a chat answers at once, so it weighs more than a ticket.", "tiketa (1–5): operater u chatu odgovara odmah, pa chat teži više od tiketa.";
    ChatFirstWords => "How can we help?", "Kako možemo pomoći?";
    ChatWithUs => "Chat with us", "Razgovarajte s nama";
    ResumeChat => "Back to your chat", "Nazad na vaš chat";
    StartChat => "Start the chat", "Započni chat";
    ChatClosed => "Nobody is on duty to chat right now. Open a ticket instead: we answer it as soon as we are back.", "Trenutno niko nije na dužnosti za chat. Otvorite tiket: odgovorićemo čim se vratimo.";
    ChatHours => "Support is staffed:", "Podrška radi:";
    LiveChat => "Live chat", "Chat uživo";
    ChatUnderWay => "Messages arrive as they are written. The conversation stays on this ticket.", "Poruke stižu dok se pišu. Razgovor ostaje na ovom tiketu.";
    ChatEnded => "This chat has ended. The conversation stays on this ticket, and the ticket goes on.", "Ovaj chat je završen. Razgovor ostaje na ovom tiketu, a tiket ide dalje.";
    EndChat => "End the chat", "Završi chat";
    IsTyping => "is typing…", "piše…";
    MarkSent => "sent", "poslano";
    MarkDelivered => "delivered", "isporučeno";
    MarkRead => "read", "pročitano";
    HandOverChat => "Hand the chat over", "Predaj chat";
    HandOverTo => "To a colleague on duty", "Kolegi na dužnosti";
    PickColleague => "choose a colleague", "izaberite kolegu";
    HandOverNote => "A note for them (only staff read it)", "Napomena za njih (čita je samo osoblje)";
    SolutionDaysHint => "Without the client's answer in this many days (1–90) the ticket closes by itself.", "Bez odgovora klijenta u ovoliko dana (1–90) tiket se sam zatvara.";
    EventProposed => "proposed a solution", "prijedlog rješenja";
    EventConfirmed => "confirmed the solution", "potvrda rješenja";
    EventNotSolved => "said it is not solved", "nije riješeno";
    EventSilence => "closed it (no answer to the proposed solution)", "zatvoreno (bez odgovora na prijedlog rješenja)";
    EventImported => "brought the ticket over from the help desk used before, as it stood there", "preuzimanje tiketa iz ranijeg sistema, u stanju u kojem je bio";
    NeedsReason => "Why reopen?", "Zašto ponovo otvarate?";
    WhyEscalate => "Why escalate?", "Zašto prosljeđujete?";
    ForceTitle => "Force a status", "Prisilna promjena statusa";
    ForceHint => "Overrides the normal steps. The reason is kept in the history and the operator sees it.", "Zaobilazi uobičajene korake. Razlog ostaje u historiji i operater ga vidi.";
    Force => "Force", "Prisilno promijeni";
    EventActor => " ", " · ";
    EventCreated => "opened the ticket", "otvaranje tiketa";
    EventStatus => "changed the status", "promjena statusa";
    EventForced => "forced the status", "prisilna promjena statusa";
    EventAssigned => "assigned the ticket", "dodjela tiketa";
    EventAssignedTo => " to ", ": ";
    EventUnassigned => "put the ticket back in the queue", "vraćanje tiketa u red";
    EventMessage => "wrote a message", "poruka";
    EventNote => "added an internal note", "interna bilješka";
    EventAttachment => "attached a file", "prilog";
    EventPriority => "changed the priority", "promjena prioriteta";
    EventCategory => "changed the category", "promjena kategorije";
    EventRated => "rated the help", "ocjena pomoći";
    RatedGood => "good", "dobro";
    RatedBad => "bad", "loše";
    HowDidWeDo => "How did we do?", "Kako smo vam pomogli?";
    RateGood => "Good", "Dobro";
    RateBad => "Bad", "Loše";
    RatingComment => "Anything to add? (optional)", "Želite li nešto dodati? (nije obavezno)";
    SendComment => "Send comment", "Pošalji komentar";
    RatingThanks => "Thank you. You can change your rating until", "Hvala. Ocjenu možete promijeniti do";
    Satisfaction => "Client satisfaction", "Zadovoljstvo klijenata";
    NoRatings => "No ratings yet.", "Još nema ocjena.";
    Period => "Period", "Period";
    Statistics => "Statistics", "Statistika";
    Overview => "Overview", "Pregled";
    WaitingQueue => "Waiting for an operator", "Čeka operatera";
    WaitingLongest => "Waiting longest", "Najduže čeka";
    NobodyWaiting => "No ticket is waiting.", "Nijedan tiket ne čeka.";
    OnDutyNow => "On duty now", "Trenutno na dužnosti";
    NobodyOnDuty => "No operator is on duty.", "Nijedan operater nije na dužnosti.";
    SatisfactionWeek => "Satisfaction, last 7 days", "Zadovoljstvo, posljednjih 7 dana";
    SeeQueue => "See the queue", "Pogledaj red čekanja";
    SavedReports => "Saved reports", "Sačuvani izvještaji";
    NoSavedReports => "No report saved yet. Choose a period, a step and filters above, then save them as a report below.", "Još nema sačuvanih izvještaja. Odaberite period, korak i filtere iznad, pa ih ispod sačuvajte kao izvještaj.";
    SaveAsReport => "Save as a report", "Sačuvaj kao izvještaj";
    SaveAsReportHint => "Saves the period, step and filters chosen above with the columns and rows chosen here. A report of the same name is replaced.", "Čuva period, korak i filtere odabrane iznad sa kolonama i redovima odabranim ovdje. Izvještaj istog naziva se zamjenjuje.";
    ReportName => "Report name", "Naziv izvještaja";
    Measures => "Columns", "Kolone";
    SmtpUrl => "SMTP server", "SMTP server";
    ServiceLevels => "Service levels", "Nivoi usluge";
    ServiceLevelsHint => "Targets per priority (and category): how long until the first answer, until the next answer after the client wrote, and until the close. The clocks stand still while a ticket is returned to its client.", "Ciljevi po prioritetu (i kategoriji): koliko do prvog odgovora, do sljedećeg odgovora nakon što klijent napiše i do zatvaranja. Satovi stoje dok je tiket vraćen klijentu.";
    SlaPolicies => "Policies", "Pravila";
    NoSlaPolicies => "No policy yet: tickets have no clocks.", "Još nema pravila: tiketi nemaju satove.";
    AddSlaPolicy => "Add a policy", "Dodaj pravilo";
    FirstResponseMinutes => "First response (minutes)", "Prvi odgovor (minute)";
    NextResponseMinutes => "Next response (minutes, optional)", "Sljedeći odgovor (minute, neobavezno)";
    ResolutionMinutes => "Resolution (minutes)", "Rješenje (minute)";
    InBusinessHours => "In working hours", "U radnom vremenu";
    BusinessHours => "Working week", "Radna sedmica";
    BusinessHoursHint => "Policies in working hours count only these hours, in the installation's time zone. Empty: every hour counts.", "Pravila u radnom vremenu broje samo ove sate, u vremenskoj zoni instalacije. Prazno: broji se svaki sat.";
    Holidays => "Holidays", "Praznici";
    HolidaysHint => "Days without working hours.", "Dani bez radnog vremena.";
    PickHoliday => "Holiday", "Praznik";
    WarnPercent => "Warn at (% of the target)", "Upozori na (% cilja)";
    SlaFirstResponse => "First response", "Prvi odgovor";
    SlaNextResponse => "Next response", "Sljedeći odgovor";
    SlaResolution => "Resolution", "Rješenje";
    SlaLeft => "left", "preostalo";
    SlaOverdue => "overdue by", "kasni";
    SlaPaused => "paused", "zaustavljeno";
    SlaMet => "met", "ispunjeno";
    SlaMissed => "missed", "propušteno";
    TimeLeft => "Time left", "Preostalo vrijeme";
    SlaMetByPolicy => "Service levels met, by policy", "Ispunjeni nivoi usluge, po pravilu";
    SlaMetByOperator => "Service levels met, by operator", "Ispunjeni nivoi usluge, po operateru";
    SlaOverdueTickets => "Overdue", "Kasni";
    SlaNearTickets => "Near a target", "Blizu cilja";
    SlaOverdueAlert => "Tickets of yours past a service-level target", "Vaši tiketi preko cilja nivoa usluge";
    ImapUrl => "Support mailbox (IMAP)", "Poštanski sandučić podrške (IMAP)";
    ImapHint => "Mail to this mailbox becomes tickets and replies: imaps://user:password@host/INBOX (TLS), or imap://user:password@localhost:143 for a server on this machine. Empty: no mail is fetched.", "Pošta u ovom sandučiću postaje tiketi i odgovori: imaps://korisnik:lozinka@host/INBOX (TLS) ili imap://korisnik:lozinka@localhost:143 za server na ovoj mašini. Prazno: pošta se ne preuzima.";
    FetchNow => "Check the mailbox now", "Provjeri sandučić sada";
    FetchedCount => "New messages", "Novih poruka";
    HeldMail => "Held mail", "Zadržana pošta";
    HeldMailHint => "Mail Šalter could not match to a client or a ticket. Accept opens a ticket for its sender (making a client account when the address has none); Drop discards it.", "Pošta koju Šalter nije mogao povezati s klijentom ili tiketom. Prihvati otvara tiket za pošiljaoca (i pravi klijentski račun ako adresa nema račun); Odbaci je briše.";
    NoHeldMail => "No mail is waiting for you.", "Nijedna poruka ne čeka na vas.";
    HeldUnknownSender => "Unknown sender", "Nepoznat pošiljalac";
    HeldNotOnTicket => "Not on the ticket it answers", "Nije na tiketu na koji odgovara";
    HeldNotAClient => "From staff, not about a ticket", "Od osoblja, ne o tiketu";
    HeldUnreadable => "Could not be read as a ticket", "Nije se mogla pročitati kao tiket";
    AcceptMail => "Accept", "Prihvati";
    DropMail => "Drop", "Odbaci";
    AcceptedMailNote => "Ticket opened", "Tiket otvoren";
    MailFrom => "Sender address", "Adresa pošiljaoca";
    MailReplyTo => "Reply-to address", "Adresa za odgovor";
    Mail => "E-mail", "E-pošta";
    MailHint => "Notifications go out through this SMTP server: smtp://user:password@host:587?tls=required (STARTTLS), smtps://user:password@host (TLS), or smtp://host:25 for a relay on your network. Without a server and a sender address nothing goes out: the e-mail waits.", "Obavještenja odlaze preko ovog SMTP servera: smtp://korisnik:lozinka@host:587?tls=required (STARTTLS), smtps://korisnik:lozinka@host (TLS) ili smtp://host:25 za relej u vašoj mreži. Bez servera i adrese pošiljaoca ništa ne odlazi: e-pošta čeka.";
    TestMailTo => "Send a test e-mail to", "Pošalji probnu e-poruku na";
    SendTestMail => "Send", "Pošalji";
    MailWaiting => "Waiting to go out", "Čeka slanje";
    MailFailed => "Not delivered", "Nije isporučeno";
    MailFailedHint => "The mail server refused these, or sending them kept failing for a day.", "Mail server ih je odbio ili slanje nije uspijevalo cijeli dan.";
    MailAddress => "To", "Za";
    MailTries => "Tries", "Pokušaji";
    MailWhy => "Why", "Razlog";
    MailChoices => "E-mail notifications", "Obavještenja e-poštom";
    MailChoicesHint => "Your address, and which e-mails you get. Without an address you get none.", "Vaša adresa i koje e-poruke primate. Bez adrese ne primate nijednu.";
    Email => "E-mail", "E-mail";
    NoticeReceived => "My new ticket arrived (with its reference)", "Moj novi tiket je stigao (s brojem)";
    NoticeAnswered => "Support answered", "Podrška je odgovorila";
    NoticeReturned => "Support needs more information from me", "Podrška treba više informacija od mene";
    NoticeProposed => "A solution is proposed", "Predloženo je rješenje";
    NoticeClosed => "My ticket was closed", "Moj tiket je zatvoren";
    NoticeReopened => "A ticket was reopened", "Tiket je ponovo otvoren";
    NoticeAssigned => "A ticket was assigned to me", "Dodijeljen mi je tiket";
    NoticeClientAnswered => "A client answered on my ticket", "Klijent je odgovorio na mom tiketu";
    NoticeTest => "A test e-mail", "Probna e-poruka";
    NoticeWebhookPaused => "A webhook kept failing and was paused", "Webhook stalno nije uspijevao i pauziran je";
    NoticeSlaWarning => "A service-level target of my ticket is near", "Cilj nivoa usluge mog tiketa je blizu";
    NoticeSlaBreached => "A service-level target was missed", "Cilj nivoa usluge je propušten";
    EventSlaWarned => "warned that a target is near:", "upozorio da je cilj blizu:";
    EventSlaBreached => "noted a missed target:", "zabilježio propušten cilj:";
    Breakdown => "Rows", "Redovi";
    ByTime => "By step of time", "Po koraku vremena";
    RunReport => "Run", "Pokreni";
    Delete => "Delete", "Obriši";
    SaveReport => "Save the report", "Sačuvaj izvještaj";
    AllRows => "All", "Sve";
    SeeFloor => "See who works", "Pogledaj ko radi";
    SeeFigures => "See the figures", "Pogledaj brojke";
    PeriodToday => "Today", "Danas";
    PeriodLast7Days => "Last 7 days", "Posljednjih 7 dana";
    PeriodLast30Days => "Last 30 days", "Posljednjih 30 dana";
    PeriodThisMonth => "This month", "Ovaj mjesec";
    PeriodCustom => "Chosen dates", "Odabrani datumi";
    FromDay => "From", "Od";
    ToDay => "To (included)", "Do (uključivo)";
    Step => "Step", "Korak";
    StepHour => "By hour", "Po satu";
    StepDay => "By day", "Po danu";
    StepWeek => "By week", "Po sedmici";
    AnyCategory => "Any category", "Bilo koja kategorija";
    AnyPriority => "Any priority", "Bilo koji prioritet";
    AnyOperator => "Any operator", "Bilo koji operater";
    Show => "Show", "Prikaži";
    Created => "Created", "Kreirano";
    Closings => "Closings", "Zatvaranja";
    Reopened => "Reopened", "Ponovo otvoreno";
    ConfirmedByClient => "Confirmed by the client", "Potvrdio klijent";
    ClosedUnanswered => "Closed unanswered", "Zatvoreno bez odgovora";
    Resolved => "Resolved", "Riješeno";
    Backlog => "Backlog", "Zaostatak";
    FirstResponse => "First response", "Prvi odgovor";
    Resolution => "Resolution", "Rješavanje";
    WaitingOnClient => "Waiting on the client", "Čekanje na klijenta";
    Median => "median", "medijan";
    P90 => "9 in 10 within", "9 od 10 unutar";
    Handled => "Assigned", "Dodijeljeno";
    Satisfied => "Satisfied", "Zadovoljni";
    ByCategory => "By category", "Po kategoriji";
    ByPriority => "By priority", "Po prioritetu";
    ByOperator => "By operator", "Po operateru";
    DownloadCsv => "Download CSV", "Preuzmi CSV";
    ClientComments => "What clients said", "Šta su klijenti rekli";
    OverTime => "Created, closings and reopened", "Kreirano, zatvaranja i ponovo otvoreno";
    OverTimeDescribed => "Line chart of the tickets created, the closings and the tickets reopened in each step of the period; the same numbers are in the table below it.", "Linijski grafikon kreiranih tiketa, zatvaranja i ponovo otvorenih tiketa u svakom koraku perioda; isti brojevi su u tabeli ispod.";
    BacklogDescribed => "Stacked bars of the tickets not closed at the end of each step, by status; the same numbers are in the table below it.", "Naslagani stupci tiketa koji nisu zatvoreni na kraju svakog koraka, po statusu; isti brojevi su u tabeli ispod.";
    NothingInPeriod => "Nothing happened in this period.", "U ovom periodu se ništa nije desilo.";
    Categories => "Categories", "Kategorije";
    NoCategory => "no category", "bez kategorije";
    Active => "active", "aktivna";
    AddCategory => "New category", "Nova kategorija";
    Add => "Add", "Dodaj";
    Rename => "Rename", "Preimenuj";
    Capacity => "Capacity (active tickets)", "Kapacitet (aktivni tiketi)";
    Restricted => "only operators who hold it", "samo operateri koji je imaju";
    Floor => "Operators", "Operateri";
    Spread => "Spread (highest minus lowest load on duty)", "Raspon (najveće minus najmanje opterećenje na dužnosti)";
    TimeZone => "Time zone", "Vremenska zona";
    Load => "Load", "Opterećenje";
    NotStarted => "Not started", "Nezapočeti";
    OnDuty => "on duty", "na dužnosti";
    OffDuty => "off duty", "van dužnosti";
    OnBreak => "on a break", "na pauzi";
    TakeBreak => "Take a break", "Uzmi pauzu";
    BackToWork => "Back to work", "Nazad na posao";
    DutyNow => "You are", "Vi ste";
    Plan => "Plan", "Plan";
    Today => "Today", "Danas";
    MyWork => "My work", "Moj rad";
    WorkHistory => "Work history", "Historija rada";
    Keys => "Keyboard shortcuts", "Prečice na tastaturi";
    KeysClose => "Close", "Zatvori";
    KeyNext => "next ticket in the queue", "sljedeći tiket u redu";
    KeyPrevious => "previous ticket in the queue", "prethodni tiket u redu";
    KeyOpen => "open the ticket", "otvori tiket";
    KeyReply => "reply to the client", "odgovori klijentu";
    KeyNote => "write an internal note", "napiši internu bilješku";
    KeyHelp => "show or hide these shortcuts", "prikaži ili sakrij ove prečice";
    KeyCanned => "insert a canned response", "umetni gotov odgovor";
    DayOff => "day off", "slobodan dan";
    Skills => "Skills", "Vještine";
    SkillsHint => "None ticked: every category that is not restricted to its holders.", "Ništa označeno: svaka kategorija koja nije ograničena na svoje nosioce.";
    WorkHoursHint => "All days empty: no hour limits. Otherwise an empty day is a day off.", "Svi dani prazni: bez ograničenja sati. Inače je prazan dan slobodan.";
    DaysOffHint => "Whole days the operator is off duty: pick a date and add it.", "Cijeli dani kada operater nije na dužnosti: odaberite datum i dodajte ga.";
    PickDayOff => "Day off to add", "Slobodan dan za dodati";
    HoursFrom => "from", "od";
    HoursUntil => "until", "do";
    Monday => "Monday", "Ponedjeljak";
    Tuesday => "Tuesday", "Utorak";
    Wednesday => "Wednesday", "Srijeda";
    Thursday => "Thursday", "Četvrtak";
    Friday => "Friday", "Petak";
    Saturday => "Saturday", "Subota";
    Sunday => "Sunday", "Nedjelja";
    AutoLowestLoad => "automatic: lowest load", "automatski: najmanje opterećenje";
    OffDutyReason => "the operator went off duty", "operater je van dužnosti";
    ManualReason => "by hand", "ručno";
    WhyImported => "as it stood in the help desk it came from", "kako je stajalo u sistemu iz kojeg je preuzeto";
    OperatorGoneReason => "its operator is no longer active", "njegov operater više nije aktivan";
    WhyTransferred => "chat handed over by its operator", "chat je predao njegov operater";
    EventChatStarted => "started a live chat", "započeo chat uživo";
    EventChatEnded => "ended the live chat", "završio chat uživo";
    EventChatClientLeft => "ended the live chat: the client left", "završio chat uživo: klijent je otišao";
    EventCallVideo => "started a video call", "započeo video poziv";
    EventCallVoice => "started a voice call", "započeo glasovni poziv";
    EventCallAnswered => "answered the call", "javio se na poziv";
    EventCallEnded => "ended the call", "završio poziv";
    EventCallMissed => "ended the call unanswered (missed)", "završio poziv bez odgovora (propušten)";
    WorkHours => "Working hours", "Radno vrijeme";
    DaysOff => "Days off", "Slobodni dani";
    CategoriesHint => "Clients choose a category when they open a ticket. A category in use is deactivated, not deleted: its tickets keep it.", "Klijenti biraju kategoriju kada otvaraju tiket. Kategorija u upotrebi se deaktivira, ne briše: njeni tiketi je zadržavaju.";
    NoEarlierTicket => "none", "nijedan";
    Anyone => "anyone", "svi";
    Any => "any", "bilo koji";
    From => "Created from", "Kreiran od";
    Until => "Created until", "Kreiran do";
    Attachments => "Attachments", "Prilozi";
    Remove => "Remove", "Ukloni";
    AttachHint => "Pictures (PNG, JPEG, GIF), PDF, text or log files, ZIP archives: choose them, drop them here, or paste them into the message.", "Slike (PNG, JPEG, GIF), PDF, tekstualne ili log datoteke, ZIP arhive: odaberite ih, ispustite ovdje ili zalijepite u poruku.";
    Uploading => "uploading", "slanje u toku";
    NoOperatorsYet => "No operators yet: create their accounts, and tickets will go to them by themselves.", "Još nema operatera: kreirajte im naloge i tiketi će im se dodjeljivati sami.";
    ChangedMeanwhile => "Changed since you began (your text is kept; send again once you have looked):", "Promijenjeno otkako ste počeli (vaš tekst je sačuvan; pošaljite ponovo kad pogledate):";
    AlsoHere => "Also here:", "Ovdje su i:";
    Writing => "writing…", "piše…";
    NoMessagesYet => "No messages yet: write the first one below.", "Još nema poruka: napišite prvu ispod.";
    System => "System", "Sistem";
    JustNow => "just now", "upravo";
    Back => "Back", "Nazad";
    StatusOpen => "open", "otvoren";
    StatusAssigned => "assigned to operator", "dodijeljen operateru";
    StatusInProgress => "in progress", "u izradi";
    StatusReturned => "returned to client", "vraćen klijentu";
    StatusClosed => "closed", "zatvoren";
    PriorityLow => "low", "nizak";
    PriorityNormal => "normal", "normalan";
    PriorityHigh => "high", "visok";
    PriorityCritical => "critical", "kritičan";
    ArticleTitle => "Title", "Naslov";
    Section => "Section", "Odjeljak";
    Tags => "Tags", "Oznake";
    KnowledgeBase => "Knowledge base", "Baza znanja";
    NewArticle => "New article", "Novi članak";
    ArticleStateLabel => "State", "Stanje";
    AllStates => "All", "Sva";
    StaffOnly => "For staff only", "Samo za osoblje";
    NoSection => "No section", "Bez odjeljka";
    NoArticles => "No articles yet.", "Još nema članaka.";
    Sections => "Sections", "Odjeljci";
    ParentSection => "Inside", "Unutar";
    TopLevel => "At the top", "Na vrhu";
    AddSection => "Add section", "Dodaj odjeljak";
    TranslationOf => "Translation of", "Prijevod članka";
    NoTranslation => "None", "Nijednog";
    TagsHint => "Separated by commas.", "Odvojene zarezima.";
    ArticleFiles => "Add a picture or file", "Dodavanje slike ili datoteke";
    ArticleFilesHint => "A picture appears in the text where the cursor is, another file as a link to download it. Readers see them once the version is published.", "Slika se pojavljuje u tekstu na mjestu kursora, a druga datoteka kao link za preuzimanje. Čitaoci ih vide kad se verzija objavi.";
    AsReadersSee => "As readers will see this version", "Kako će čitaoci vidjeti ovu verziju";
    SaveMakesDraft => "Saving makes a new version, a draft: readers keep the published version until this one is published.", "Čuvanje pravi novu verziju, nacrt: čitaoci vide objavljenu verziju dok se ova ne objavi.";
    SaveVersion => "Save as a new version", "Sačuvaj kao novu verziju";
    Version => "Version", "Verzija";
    Versions => "Versions", "Verzije";
    ReadersSee => "readers see version", "čitaoci vide verziju";
    NotPublished => "not published", "nije objavljen";
    CompareLatest => "Compare with the latest", "Uporedi s najnovijom";
    Restore => "Restore as a new version", "Vrati kao novu verziju";
    ArticleDraft => "draft", "nacrt";
    ArticleReview => "in review", "na pregledu";
    ArticlePublished => "published", "objavljen";
    ArticleArchived => "archived", "arhiviran";
    StepSubmit => "Submit for review", "Pošalji na pregled";
    StepPublish => "Publish", "Objavi";
    StepArchive => "Archive", "Arhiviraj";
    StepWithdraw => "Back to draft", "Vrati u nacrt";
    ChangeSaved => "saved", "čuvanje verzije";
    ChangeRestored => "restored an older version", "vraćanje starije verzije";
    ChangeSubmitted => "submitted for review", "slanje na pregled";
    ChangePublished => "published", "objavljivanje";
    ChangeArchived => "archived", "arhiviranje";
    ChangeWithdrawn => "sent back to draft", "vraćanje u nacrt";
    Help => "Help", "Pomoć";
    SearchHelp => "Search the help", "Pretraži pomoć";
    NoHelpFound => "Nothing found. Try other words, or open a ticket.", "Ništa nije pronađeno. Pokušajte drugim riječima ili otvorite tiket.";
    OtherArticles => "Other articles", "Ostali članci";
    AlsoIn => "Also in:", "Također na:";
    DidThisHelp => "Did this help?", "Da li vam je ovo pomoglo?";
    Yes => "Yes", "Da";
    No => "No", "Ne";
    ThanksAnythingToAdd => "Thank you. Anything to add? (optional)", "Hvala. Želite li nešto dodati? (neobavezno)";
    CommentSent => "Thank you for the comment.", "Hvala na komentaru.";
    RelatedArticles => "Related articles", "Povezani članci";
    MaybeThisHelps => "Before you send it: these articles may already answer it.", "Prije slanja: ovi članci možda već odgovaraju na pitanje.";
    ArticlesForTicket => "Articles about this ticket", "Članci o ovom tiketu";
    FindArticle => "Find an article", "Pronađi članak";
    InsertLink => "Insert a link", "Umetni vezu";
    InsertText => "Insert the text", "Umetni tekst";
    SolvedByThis => "Solved by this", "Ovo je riješilo";
    SolvedMark => "solved it", "riješilo je";
    Publishers => "Who may publish", "Ko smije objavljivati";
    PublishersHint => "Admins publish and archive articles; so do the operators ticked here.", "Administratori objavljuju i arhiviraju članke; to mogu i ovdje označeni operateri.";
    KbUse => "How the knowledge base is used", "Kako se koristi baza znanja";
    KbViews => "Read by clients", "Pročitano od klijenata";
    Helpful => "Helped", "Pomoglo";
    Unhelpful => "Did not help", "Nije pomoglo";
    Deflections => "Tickets not needed", "Tiketi koji nisu bili potrebni";
    DeflectionsHint => "A suggested article opened while writing a ticket, and no ticket sent within 30 minutes.", "Predloženi članak otvoren tokom pisanja tiketa, a tiket nije poslan u roku od 30 minuta.";
    KbSearches => "Searches", "Pretrage";
    NotFoundWords => "Searched for and not found", "Traženo, a nije pronađeno";
    LinkedFromTickets => "Linked from tickets", "Povezano s tiketa";
    Times => "Times", "Puta";
    CannedResponses => "Canned responses", "Gotovi odgovori";
    CannedIntro => "Answers given often. In a ticket's message box, type / and the shortcut, or pick one from the list under the box: its placeholders are filled for that ticket.", "Odgovori koji se često daju. U polju za poruku na tiketu upišite / i prečicu ili odaberite odgovor s liste ispod polja: zamjenska polja se popune za taj tiket.";
    CannedPlaceholders => "Placeholders filled when it is inserted:", "Zamjenska polja koja se popune pri umetanju:";
    Shortcut => "Shortcut", "Prečica";
    ShortcutHint => "Letters, digits, - and _; typed after /.", "Slova, brojevi, - i _; upisuje se iza /.";
    CannedShared => "Shared with all staff", "Dijeljeno sa svim osobljem";
    CannedPersonal => "Only mine", "Samo moj";
    CannedWhose => "For", "Za";
    CannedUses => "Used", "Korišteno";
    CannedLastUsed => "Last used", "Zadnje korišteno";
    CannedNone => "No canned responses yet.", "Još nema gotovih odgovora.";
    CannedNew => "New canned response", "Novi gotovi odgovor";
    CannedEditing => "Change a canned response", "Izmjena gotovog odgovora";
    Edit => "Edit", "Uredi";
    Cancel => "Cancel", "Odustani";
    CannedInsert => "Canned responses", "Gotovi odgovori";
    CannedFind => "Find a canned response", "Pronađi gotov odgovor";
    CannedNoMatch => "No canned response matches.", "Nijedan gotov odgovor ne odgovara.";
    CannedSlashHint => "Type / and a shortcut to insert a canned response; ↑ ↓ to choose, Enter to insert.", "Upišite / i prečicu da umetnete gotov odgovor; ↑ ↓ za izbor, Enter za umetanje.";
}

/// "5 min ago" in the reader's language, for a time `ago_ms` in the past.
pub fn relative_time(ago_ms: i64, lang: Lang) -> String {
    let minutes = ago_ms / 60_000;
    let (n, unit_en, unit_bs) = match minutes {
        m if m < 1 => return Msg::JustNow.text(lang).to_string(),
        m if m < 60 => (m, "min", "min"),
        m if m < 48 * 60 => (m / 60, "h", "h"),
        m => (m / (24 * 60), "d", "d"),
    };
    match lang {
        Lang::En => format!("{n} {unit_en} ago"),
        Lang::Bs => format!("prije {n} {unit_bs}"),
    }
}

impl crate::tickets::Status {
    /// Each status's code and label, in declaration order: the choices of a `<select>`.
    pub const CHOICES: [(&'static str, Msg); 5] = {
        use crate::tickets::Status::*;
        [
            (Open.as_str(), Msg::StatusOpen),
            (Assigned.as_str(), Msg::StatusAssigned),
            (InProgress.as_str(), Msg::StatusInProgress),
            (ReturnedToClient.as_str(), Msg::StatusReturned),
            (Closed.as_str(), Msg::StatusClosed),
        ]
    };

    /// The status's one name, the same in all three apps.
    pub fn label(self, lang: Lang) -> &'static str {
        Self::CHOICES[self as usize].1.text(lang)
    }
}

impl crate::tickets::Priority {
    /// Each priority's code and label, in declaration order: the choices of a `<select>`.
    pub const CHOICES: [(&'static str, Msg); 4] = {
        use crate::tickets::Priority::*;
        [
            (Low.as_str(), Msg::PriorityLow),
            (Normal.as_str(), Msg::PriorityNormal),
            (High.as_str(), Msg::PriorityHigh),
            (Critical.as_str(), Msg::PriorityCritical),
        ]
    };

    pub fn label(self, lang: Lang) -> &'static str {
        Self::CHOICES[self as usize].1.text(lang)
    }
}

impl crate::kb::ArticleState {
    /// Each state's code and label, in declaration order: the choices of a `<select>`.
    pub const CHOICES: [(&'static str, Msg); 4] = {
        use crate::kb::ArticleState::*;
        [
            (Draft.as_str(), Msg::ArticleDraft),
            (Review.as_str(), Msg::ArticleReview),
            (Published.as_str(), Msg::ArticlePublished),
            (Archived.as_str(), Msg::ArticleArchived),
        ]
    };

    pub fn label(self, lang: Lang) -> &'static str {
        Self::CHOICES[self as usize].1.text(lang)
    }
}

impl crate::webhooks::Topic {
    pub fn label(self, lang: Lang) -> &'static str {
        use crate::webhooks::Topic::*;
        match self {
            Created => Msg::TopicCreated,
            StatusChanged => Msg::TopicStatusChanged,
            Assigned => Msg::TopicAssigned,
            Message => Msg::TopicMessage,
            Note => Msg::TopicNote,
            SlaBreached => Msg::TopicSlaBreached,
            Rated => Msg::TopicRated,
        }
        .text(lang)
    }
}

impl crate::tokens::Scope {
    pub fn label(self, lang: Lang) -> &'static str {
        use crate::tokens::Scope::*;
        match self {
            TicketsRead => Msg::ScopeTicketsRead,
            TicketsWrite => Msg::ScopeTicketsWrite,
            AccountsRead => Msg::ScopeAccountsRead,
            AccountsManage => Msg::ScopeAccountsManage,
            ArticlesRead => Msg::ScopeArticlesRead,
            StatisticsRead => Msg::ScopeStatisticsRead,
        }
        .text(lang)
    }
}

impl crate::kb::ArticleStep {
    pub fn label(self, lang: Lang) -> &'static str {
        use crate::kb::ArticleStep::*;
        match self {
            Submit => Msg::StepSubmit,
            Publish => Msg::StepPublish,
            Archive => Msg::StepArchive,
            Withdraw => Msg::StepWithdraw,
        }
        .text(lang)
    }
}

impl crate::kb::ArticleChange {
    pub fn label(self, lang: Lang) -> &'static str {
        use crate::kb::{ArticleChange::*, ArticleStep::*};
        match self {
            Saved => Msg::ChangeSaved,
            Restored => Msg::ChangeRestored,
            Stepped(Submit) => Msg::ChangeSubmitted,
            Stepped(Publish) => Msg::ChangePublished,
            Stepped(Archive) => Msg::ChangeArchived,
            Stepped(Withdraw) => Msg::ChangeWithdrawn,
        }
        .text(lang)
    }
}

impl crate::dto::Notice {
    pub fn label(self, lang: Lang) -> &'static str {
        use crate::dto::Notice::*;
        match self {
            Received => Msg::NoticeReceived,
            Answered => Msg::NoticeAnswered,
            Returned => Msg::NoticeReturned,
            Proposed => Msg::NoticeProposed,
            Closed => Msg::NoticeClosed,
            Reopened => Msg::NoticeReopened,
            Assigned => Msg::NoticeAssigned,
            ClientAnswered => Msg::NoticeClientAnswered,
            SlaWarning => Msg::NoticeSlaWarning,
            SlaBreached => Msg::NoticeSlaBreached,
            Test => Msg::NoticeTest,
            WebhookPaused => Msg::NoticeWebhookPaused,
        }
        .text(lang)
    }
}

impl crate::dto::SlaTarget {
    pub fn label(self, lang: Lang) -> &'static str {
        use crate::dto::SlaTarget::*;
        match self {
            FirstResponse => Msg::SlaFirstResponse,
            NextResponse => Msg::SlaNextResponse,
            Resolution => Msg::SlaResolution,
        }
        .text(lang)
    }
}

impl crate::dto::Held {
    pub fn label(self, lang: Lang) -> &'static str {
        use crate::dto::Held::*;
        match self {
            UnknownSender => Msg::HeldUnknownSender,
            NotOnTicket => Msg::HeldNotOnTicket,
            NotAClient => Msg::HeldNotAClient,
            Unreadable => Msg::HeldUnreadable,
        }
        .text(lang)
    }
}

impl Role {
    /// Each role's code and label, in declaration order: the choices of a `<select>`.
    pub const CHOICES: [(&'static str, Msg); 3] = [
        (Role::Client.as_str(), Msg::RoleClient),
        (Role::Operator.as_str(), Msg::RoleOperator),
        (Role::Admin.as_str(), Msg::RoleAdmin),
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        Self::CHOICES[self as usize].1.text(lang)
    }

    pub fn app_name(self, lang: Lang) -> &'static str {
        match self {
            Role::Client => Msg::AppClient,
            Role::Operator => Msg::AppOperator,
            Role::Admin => Msg::AppAdmin,
        }
        .text(lang)
    }
}

impl Edition {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Edition::Free => Msg::EditionFree,
            Edition::Commercial => Msg::EditionCommercial,
        }
        .text(lang)
    }
}

fn field_name(field: Field, lang: Lang) -> &'static str {
    match field {
        Field::Username => Msg::Username,
        Field::Password => Msg::Password,
        Field::CurrentPassword => Msg::CurrentPassword,
        Field::NewPassword => Msg::NewPassword,
        Field::FullName => Msg::FullName,
        Field::Email => Msg::EmailOptional,
        Field::CompanyName => Msg::CompanyName,
        Field::Subject => Msg::Subject,
        Field::Description => Msg::Description,
        Field::Text => Msg::Text,
        Field::Reason => Msg::Reason,
        Field::IdempotencyKey => Msg::Request,
        Field::Category => Msg::Category,
        Field::EarlierTicket => Msg::EarlierTicket,
        Field::Operator => Msg::RoleOperator,
        Field::Attachment => Msg::Attachments,
        Field::Capacity => Msg::Capacity,
        Field::WorkHours => Msg::WorkHours,
        Field::DaysOff => Msg::DaysOff,
        Field::Comment => Msg::RatingComment,
        Field::Period => Msg::Period,
        Field::SolutionDays => Msg::SolutionDays,
        Field::ChatWeight => Msg::ChatWeight,
        Field::ChatText => Msg::ChatFirstWords,
        Field::IceServers => Msg::IceServers,
        Field::ReportName => Msg::ReportName,
        Field::Measures => Msg::Measures,
        Field::SmtpUrl => Msg::SmtpUrl,
        Field::ImapUrl => Msg::ImapUrl,
        Field::MailFrom => Msg::MailFrom,
        Field::MailReplyTo => Msg::MailReplyTo,
        Field::SlaPolicy => Msg::SlaPolicies,
        Field::Holidays => Msg::Holidays,
        Field::WarnPercent => Msg::WarnPercent,
        Field::Tier => Msg::Tier,
        Field::Shortcut => Msg::Shortcut,
        Field::Title => Msg::ArticleTitle,
        Field::Section => Msg::Section,
        Field::Tags => Msg::Tags,
        Field::Session => Msg::Sessions,
        Field::Code => Msg::AuthCode,
        Field::Roles => Msg::TwoFactor,
        Field::Client => Msg::Client,
        Field::Confirmation => Msg::TypeUsernameToConfirm,
        Field::RetentionDays => Msg::RetentionDays,
        Field::PrivacyNotice => Msg::PrivacyNotice,
        Field::TokenName => Msg::TokenName,
        Field::Scopes => Msg::TokenScopes,
        Field::ExpiryDays => Msg::TokenExpiry,
        Field::Account => Msg::TokenAccount,
        Field::WebhookUrl => Msg::WebhookUrl,
        Field::Topics => Msg::WebhookTopics,
        Field::Language => Msg::Language,
    }
    .text(lang)
}

/// What a retention period would erase now (the dry run), or erases.
pub fn retention_due(days: i64, tickets: i64, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "Kept {days} days after closing: {tickets} closed tickets are older than that and lose their texts and files."
        ),
        Lang::Bs => format!(
            "Čuva se {days} dana nakon zatvaranja: toliko je starijih zatvorenih tiketa, koji gube tekstove i datoteke: {tickets}."
        ),
    }
}

/// What an act of the audit log is called.
pub fn action_text(action: crate::audit::Action, lang: Lang) -> &'static str {
    use crate::audit::Action as A;
    let (en, bs) = match action {
        A::SignedIn => ("Signed in", "Prijava"),
        A::SignInFailed => ("Sign-in failed", "Neuspjela prijava"),
        A::SignInLocked => (
            "Sign-in stopped: too many attempts",
            "Prijava zaustavljena: previše pokušaja",
        ),
        A::PasswordChanged => ("Password changed", "Promjena lozinke"),
        A::SecondFactorOn => (
            "Two-factor sign-in turned on",
            "Uključivanje prijave u dva koraka",
        ),
        A::SecondFactorOff => (
            "Two-factor sign-in turned off",
            "Isključivanje prijave u dva koraka",
        ),
        A::RecoveryCodesRenewed => ("New recovery codes", "Novi kodovi za oporavak"),
        A::AccountCreated => ("Account created", "Kreiranje naloga"),
        A::PasswordReset => ("Password reset", "Poništavanje lozinke"),
        A::AccountDisabled => ("Account disabled", "Onemogućavanje naloga"),
        A::AccountEnabled => ("Account enabled", "Omogućavanje naloga"),
        A::SecondFactorReset => (
            "Two-factor sign-in reset",
            "Poništavanje prijave u dva koraka",
        ),
        A::TwoFactorRolesSet => (
            "Roles required to sign in with two factors",
            "Uloge s obaveznom prijavom u dva koraka",
        ),
        A::LicenceInstalled => ("Licence installed", "Instaliranje licence"),
        A::ClientDataExported => ("Client's data exported", "Izvoz podataka klijenta"),
        A::ClientErased => ("Client erased", "Brisanje klijenta"),
        A::ApiTokenCreated => ("API token created", "Izrada API tokena"),
        A::ApiTokenRevoked => ("API token revoked", "Opoziv API tokena"),
        A::WebhookCreated => ("Webhook added", "Dodavanje webhooka"),
        A::WebhookPaused => ("Webhook paused", "Pauziranje webhooka"),
        A::WebhookResumed => ("Webhook resumed", "Nastavak webhooka"),
        A::WebhookDeleted => ("Webhook deleted", "Brisanje webhooka"),
        A::WebhookRedelivered => (
            "Webhook delivery sent again",
            "Ponovno slanje isporuke webhooka",
        ),
        A::PrivacyNoticeSet => (
            "Privacy notice changed",
            "Promjena obavijesti o privatnosti",
        ),
        A::RetentionSet => (
            "Retention period changed",
            "Promjena roka čuvanja zatvorenih tiketa",
        ),
        A::FilesKeyRotated => (
            "Attachments' key replaced",
            "Zamjena ključa za šifrovanje priloga",
        ),
        A::DataImported => ("Data imported", "Uvoz podataka"),
        A::DataExported => ("Everything exported", "Izvoz svih podataka"),
        A::PlanSet => ("Operator's plan changed", "Promjena plana operatera"),
        A::CategorySaved => ("Category saved", "Spremanje kategorije"),
        A::SectionSaved => (
            "Knowledge-base section saved",
            "Spremanje odjeljka baze znanja",
        ),
        A::PublisherSet => ("Publishing right changed", "Promjena prava objavljivanja"),
        A::CompanyNameSet => ("Company name changed", "Promjena naziva kompanije"),
        A::TicketSettingsSet => ("Ticket settings changed", "Promjena postavki tiketa"),
        A::CallSettingsSet => ("Call settings changed", "Promjena postavki poziva"),
        A::ServiceLevelsSet => ("Service levels changed", "Promjena nivoa usluge"),
        A::MailSettingsSet => ("E-mail settings changed", "Promjena postavki e-pošte"),
        A::TestMailSent => ("Test e-mail sent", "Slanje probne e-pošte"),
        A::MailboxChecked => ("Mailbox checked", "Provjera poštanskog sandučeta"),
        A::HeldMailAccepted => ("Held e-mail accepted", "Prihvatanje zadržane e-pošte"),
        A::HeldMailDropped => ("Held e-mail dropped", "Odbacivanje zadržane e-pošte"),
        A::ReportSaved => ("Report saved", "Spremanje izvještaja"),
        A::ReportDeleted => ("Report deleted", "Brisanje izvještaja"),
        A::TicketForced => ("Ticket status forced", "Prisilna promjena statusa tiketa"),
    };
    match lang {
        Lang::En => en,
        Lang::Bs => bs,
    }
}

/// The message a user reads for an error.
pub fn error_text(err: &AppError, lang: Lang) -> String {
    use Lang::{Bs, En};
    match (err, lang) {
        (AppError::Unauthenticated, En) => "You are not signed in, or your session has ended. Please sign in.".into(),
        (AppError::Unauthenticated, Bs) => "Niste prijavljeni ili je sesija istekla. Molimo prijavite se.".into(),
        (AppError::PasswordChangeRequired, En) => "Choose a new password first.".into(),
        (AppError::PasswordChangeRequired, Bs) => "Prvo odaberite novu lozinku.".into(),
        (AppError::SecondFactorNeeded, En) => "Enter the code from your authenticator app.".into(),
        (AppError::SecondFactorNeeded, Bs) => "Unesite kod iz aplikacije za autentifikaciju.".into(),
        (AppError::SecondFactorSetupRequired, En) => "Set up two-factor sign-in first.".into(),
        (AppError::SecondFactorSetupRequired, Bs) => "Prvo podesite prijavu u dva koraka.".into(),
        (AppError::Forbidden, En) => "You are not allowed to do this.".into(),
        (AppError::Forbidden, Bs) => "Nemate pravo na ovu radnju.".into(),
        (AppError::WrongCredentials, En) => "Wrong username or password.".into(),
        (AppError::WrongCredentials, Bs) => "Pogrešno korisničko ime ili lozinka.".into(),
        (AppError::OneTimePasswordExpired, En) => "Your one-time password has expired. Ask an administrator for a new one.".into(),
        (AppError::OneTimePasswordExpired, Bs) => "Vaša jednokratna lozinka je istekla. Zatražite novu od administratora.".into(),
        (AppError::AccountDisabled, En) => "This account is disabled. Contact an administrator.".into(),
        (AppError::AccountDisabled, Bs) => "Ovaj nalog je onemogućen. Obratite se administratoru.".into(),
        (AppError::WrongApp { role }, En) => format!("This account signs in to the app “{}”, not here.", role.app_name(En)),
        (AppError::WrongApp { role }, Bs) => format!("Ovaj nalog se prijavljuje u aplikaciju „{}“, ne ovdje.", role.app_name(Bs)),
        (AppError::TooManyAttempts { retry_after_secs }, En) => format!("Too many attempts. Try again in {} min.", retry_after_secs.div_ceil(60)),
        (AppError::TooManyAttempts { retry_after_secs }, Bs) => format!("Previše pokušaja. Pokušajte ponovo za {} min.", retry_after_secs.div_ceil(60)),
        (AppError::Invalid { field, problem }, _) => invalid_text(*field, *problem, lang),
        (AppError::EditionLimit { role, limit }, En) => format!("Your edition allows {limit} active {} of the role “{}”. Disable one first, or install a licence with more.", En.plural(*limit, ["account", "accounts", ""]), role.label(En)),
        (AppError::EditionLimit { role, limit }, Bs) => format!("Vaša verzija dozvoljava {limit} {} uloge „{}“. Prvo onemogućite neki ili instalirajte licencu s više naloga.", Bs.plural(*limit, ["aktivan nalog", "aktivna naloga", "aktivnih naloga"]), role.label(Bs)),
        (AppError::Licence { why: LicenceFault::Malformed }, En) => "This is not a Šalter licence, or part of it is missing. Paste the whole file as you received it.".into(),
        (AppError::Licence { why: LicenceFault::Malformed }, Bs) => "Ovo nije Šalter licenca ili joj nedostaje dio. Zalijepite cijelu datoteku kako ste je primili.".into(),
        (AppError::Licence { why: LicenceFault::UnknownKey }, En) => "This licence was not signed by the Šalter vendor's key, so it is not accepted.".into(),
        (AppError::Licence { why: LicenceFault::UnknownKey }, Bs) => "Ova licenca nije potpisana ključem proizvođača Šaltera, pa nije prihvaćena.".into(),
        (AppError::Licence { why: LicenceFault::Tampered }, En) => "This licence was changed after it was signed, so it is not accepted. Paste it exactly as you received it.".into(),
        (AppError::Licence { why: LicenceFault::Tampered }, Bs) => "Ova licenca je izmijenjena nakon potpisivanja, pa nije prihvaćena. Zalijepite je tačno kako ste je primili.".into(),
        (AppError::Licence { why: LicenceFault::Expired }, En) => "This licence has expired. Ask the vendor for a renewed one.".into(),
        (AppError::Licence { why: LicenceFault::Expired }, Bs) => "Ova licenca je istekla. Zatražite obnovljenu od proizvođača.".into(),
        (AppError::MoveNotAllowed, En) => "This step is not possible in the ticket's current status. Reload to see what changed.".into(),
        (AppError::MoveNotAllowed, Bs) => "Ovaj korak nije moguć u trenutnom statusu tiketa. Osvježite da vidite šta se promijenilo.".into(),
        (AppError::Stale { .. }, En) => "Someone else changed this ticket while you were at it; nothing was sent. Look at what changed, then send again.".into(),
        (AppError::Stale { .. }, Bs) => "Neko drugi je promijenio ovaj tiket dok ste radili na njemu; ništa nije poslano. Pogledajte šta se promijenilo, pa pošaljite ponovo.".into(),
        (AppError::ReopenWindowPassed, En) => "This ticket was closed too long ago to reopen. Open a new ticket that refers to it.".into(),
        (AppError::ReopenWindowPassed, Bs) => "Ovaj tiket je zatvoren prije previše vremena da bi se ponovo otvorio. Otvorite novi tiket koji se na njega poziva.".into(),
        (AppError::RatingWindowPassed, En) => format!("A ticket can be rated for {RATING_DAYS} days after it was closed; that time has passed."),
        (AppError::RatingWindowPassed, Bs) => format!("Tiket se može ocijeniti {RATING_DAYS} dana nakon zatvaranja; to vrijeme je prošlo."),
        (AppError::NobodyOnDuty, En) => "Nobody is on duty to chat right now. Please open a ticket instead: we answer it as soon as we are back.".into(),
        (AppError::CallsOff, En) => "Calls are made by our staff: write on the ticket to ask for one.".into(),
        (AppError::CallsOff, Bs) => "Pozive upućuje naše osoblje: napišite na tiketu da ga zatražite.".into(),
        (AppError::NoOneToCall, En) => "Nobody holds this ticket yet to take a call.".into(),
        (AppError::NoOneToCall, Bs) => "Niko još ne drži ovaj tiket da bi primio poziv.".into(),
        (AppError::CallUnderWay, En) => "A call is already under way: end it first.".into(),
        (AppError::CallUnderWay, Bs) => "Poziv je već u toku: prvo ga završite.".into(),
        (AppError::NobodyOnDuty, Bs) => "Trenutno niko nije na dužnosti za chat. Molimo otvorite tiket: odgovorićemo čim se vratimo.".into(),
        (AppError::IdempotencyConflict, En) => "This request was already sent with different content. Reload and try again.".into(),
        (AppError::IdempotencyConflict, Bs) => "Ovaj zahtjev je već poslan s drugačijim sadržajem. Osvježite i pokušajte ponovo.".into(),
        (AppError::NotFound, En) => "It no longer exists.".into(),
        (AppError::NotFound, Bs) => "Više ne postoji.".into(),
        (AppError::FileTooLarge { limit }, En) => format!("The file is too large: at most {} MB.", limit / 1_048_576),
        (AppError::FileTooLarge { limit }, Bs) => format!("Datoteka je prevelika: najviše {} MB.", limit / 1_048_576),
        (AppError::FileTypeNotAllowed, En) => "This kind of file is not accepted. Attach a picture (PNG, JPEG, GIF), a PDF, a text or log file, or a ZIP archive.".into(),
        (AppError::FileTypeNotAllowed, Bs) => "Ova vrsta datoteke nije dozvoljena. Priložite sliku (PNG, JPEG, GIF), PDF, tekstualnu ili log datoteku, ili ZIP arhivu.".into(),
        (AppError::CrossOrigin, En) => "The request came from another site and was refused.".into(),
        (AppError::CrossOrigin, Bs) => "Zahtjev je došao s druge stranice i odbijen je.".into(),
        (AppError::Refused(Refusal::TooLarge), En) => "The request is too large. Shorten the text or attach a smaller file.".into(),
        (AppError::Refused(Refusal::TooLarge), Bs) => "Zahtjev je prevelik. Skratite tekst ili priložite manju datoteku.".into(),
        (AppError::BadRequest { .. } | AppError::Refused(_), En) => "The request was not understood. Reload the page and try again.".into(),
        (AppError::BadRequest { .. } | AppError::Refused(_), Bs) => "Zahtjev nije razumljiv. Osvježite stranicu i pokušajte ponovo.".into(),
        (AppError::Internal, En) => "Something went wrong on the server. Nothing was changed; try again.".into(),
        (AppError::Internal, Bs) => "Greška na serveru. Ništa nije promijenjeno; pokušajte ponovo.".into(),
        (AppError::Unavailable, En) => "The server cannot reach its database just now. Try again in a moment.".into(),
        (AppError::Unavailable, Bs) => "Server trenutno ne može doći do baze podataka. Pokušajte ponovo za trenutak.".into(),
        (AppError::Network { .. }, En) => "The server cannot be reached. Check the connection and try again.".into(),
        (AppError::Network { .. }, Bs) => "Server nije dostupan. Provjerite vezu i pokušajte ponovo.".into(),
    }
}

fn invalid_text(field: Field, problem: Problem, lang: Lang) -> String {
    let name = field_name(field, lang);
    match (problem, lang) {
        (Problem::Required, Lang::En) => format!("{name}: required."),
        (Problem::Required, Lang::Bs) => format!("{name}: obavezno polje."),
        (Problem::TooShort { min }, Lang::En) => format!("{name}: at least {min} characters."),
        (Problem::TooShort { min }, Lang::Bs) => format!("{name}: najmanje {min} znakova."),
        (Problem::TooLong { max }, Lang::En) => format!("{name}: at most {max} characters."),
        (Problem::TooLong { max }, Lang::Bs) => format!("{name}: najviše {max} znakova."),
        (Problem::OutOfRange { min, max }, Lang::En) => {
            format!("{name}: a whole number from {min} to {max}.")
        }
        (Problem::OutOfRange { min, max }, Lang::Bs) => {
            format!("{name}: cijeli broj od {min} do {max}.")
        }
        (Problem::Malformed, Lang::En) => format!("{name}: not valid."),
        (Problem::Malformed, Lang::Bs) => format!("{name}: nije ispravno."),
        (Problem::Unchanged, Lang::En) => format!("{name}: must differ from the old password."),
        (Problem::Unchanged, Lang::Bs) => format!("{name}: mora se razlikovati od stare lozinke."),
        (Problem::TooCommon, Lang::En) => {
            format!("{name}: too common or too easy to guess; choose another.")
        }
        (Problem::TooCommon, Lang::Bs) => {
            format!("{name}: previše česta ili laka za pogoditi; odaberite drugu.")
        }
        (Problem::Wrong, Lang::En) => format!("{name}: wrong."),
        (Problem::Wrong, Lang::Bs) => format!("{name}: pogrešna."),
        (Problem::Taken, Lang::En) => format!("{name}: this name exists already."),
        (Problem::Taken, Lang::Bs) => format!("{name}: ovaj naziv već postoji."),
        (Problem::StillOpen, Lang::En) => {
            format!("{name}: has tickets that are not closed yet; close them first.")
        }
        (Problem::StillOpen, Lang::Bs) => {
            format!("{name}: ima tikete koji još nisu zatvoreni; prvo ih zatvorite.")
        }
        (Problem::NotFound, Lang::En) => format!("{name}: this name has no address."),
        (Problem::NotFound, Lang::Bs) => format!("{name}: ovo ime nema adresu."),
        (Problem::Internal, Lang::En) => format!(
            "{name}: an address on this machine or a private network; allow it below if you mean it."
        ),
        (Problem::Internal, Lang::Bs) => format!(
            "{name}: adresa na ovom računaru ili u privatnoj mreži; dozvolite je ispod ako je to namjera."
        ),
        (Problem::Placeholder, Lang::En) => {
            format!("{name}: uses a placeholder that does not exist. Use {PLACEHOLDERS}.")
        }
        (Problem::Placeholder, Lang::Bs) => {
            format!("{name}: koristi zamjensko polje koje ne postoji. Koristite {PLACEHOLDERS}.")
        }
    }
}

/// A history row's parts: what happened, the change (from → to) after `join`, and why.
struct Sentence<'a> {
    what: Msg,
    join: Option<Msg>,
    from: Option<&'a str>,
    to: Option<&'a str>,
    why: Option<String>,
}

impl<'a> Sentence<'a> {
    fn of(what: Msg) -> Self {
        Sentence {
            what,
            join: None,
            from: None,
            to: None,
            why: None,
        }
    }

    fn change(what: Msg, from: &'a str, to: &'a str) -> Self {
        Sentence {
            from: Some(from),
            to: Some(to),
            ..Sentence::of(what)
        }
    }
}

/// A history row as a sentence in the reader's language: who, what, and the change — system
/// reasons translated, words people wrote as they wrote them.
pub fn event_text(e: &TicketEvent, lang: Lang) -> String {
    let count_text = match &e.what {
        EventKind::Escalated { tier, .. } => tier.to_string(),
        EventKind::Call {
            step: CallStep::Ended { seconds },
            ..
        } => duration_text(seconds * 1000),
        _ => String::new(),
    };
    let s = match &e.what {
        EventKind::Created => Sentence {
            to: Some(Status::Open.label(lang)),
            ..Sentence::of(Msg::EventCreated)
        },
        EventKind::Status {
            from,
            to,
            reason,
            via,
        } => Sentence {
            why: reason.clone(),
            ..Sentence::change(
                via.map_or(Msg::EventStatus, |via| match via {
                    Via::Proposal => Msg::EventProposed,
                    Via::Confirmed => Msg::EventConfirmed,
                    Via::NotSolved => Msg::EventNotSolved,
                    Via::Silence => Msg::EventSilence,
                    Via::Imported => Msg::EventImported,
                }),
                from.label(lang),
                to.label(lang),
            )
        },
        EventKind::Forced { from, to, reason } => Sentence {
            why: reason.clone(),
            ..Sentence::change(Msg::EventForced, from.label(lang), to.label(lang))
        },
        // Each assignment names its receiver; an unassignment says where the ticket went.
        EventKind::Assigned { to_name, why, .. } => Sentence {
            why: why.as_ref().map(|w| why_text(w, lang)),
            join: Some(Msg::EventAssignedTo),
            to: to_name.as_deref(),
            ..Sentence::of(if to_name.is_none() {
                Msg::EventUnassigned
            } else {
                Msg::EventAssigned
            })
        },
        EventKind::Message { .. } => Sentence::of(Msg::EventMessage),
        EventKind::Note { .. } => Sentence::of(Msg::EventNote),
        EventKind::Attachment { name, .. } => Sentence {
            to: Some(name),
            ..Sentence::of(Msg::EventAttachment)
        },
        EventKind::Priority { from, to } => {
            Sentence::change(Msg::EventPriority, from.label(lang), to.label(lang))
        }
        EventKind::Category { from, to } => Sentence {
            from: from.as_deref(),
            to: to.as_deref(),
            ..Sentence::of(Msg::EventCategory)
        },
        EventKind::Rated { good, comment } => Sentence {
            to: Some(if *good { Msg::RatedGood } else { Msg::RatedBad }.text(lang)),
            why: comment.clone(),
            ..Sentence::of(Msg::EventRated)
        },
        EventKind::Escalated { reason, .. } => Sentence {
            to: Some(count_text.as_str()),
            why: Some(
                reason
                    .clone()
                    .unwrap_or_else(|| Msg::AfterMissedTarget.text(lang).to_string()),
            ),
            ..Sentence::of(Msg::EventEscalated)
        },
        EventKind::Chat { step } => Sentence::of(match step {
            ChatStep::Started => Msg::EventChatStarted,
            ChatStep::Ended => Msg::EventChatEnded,
            ChatStep::ClientLeft => Msg::EventChatClientLeft,
        }),
        EventKind::Call { step, video } => match step {
            CallStep::Rang if *video => Sentence::of(Msg::EventCallVideo),
            CallStep::Rang => Sentence::of(Msg::EventCallVoice),
            CallStep::Answered => Sentence::of(Msg::EventCallAnswered),
            CallStep::Ended { .. } => Sentence {
                to: Some(count_text.as_str()),
                ..Sentence::of(Msg::EventCallEnded)
            },
            CallStep::Missed => Sentence::of(Msg::EventCallMissed),
        },
        EventKind::Sla { target, breached } => Sentence {
            to: Some(target.label(lang)),
            ..Sentence::of(if *breached {
                Msg::EventSlaBreached
            } else {
                Msg::EventSlaWarned
            })
        },
    };
    let mut text = e
        .actor_name
        .clone()
        .unwrap_or_else(|| Msg::System.text(lang).to_string());
    text.push_str(Msg::EventActor.text(lang));
    text.push_str(s.what.text(lang));
    if let Some(to) = s.to {
        text.push_str(s.join.map_or(": ", |j| j.text(lang)));
        if let Some(from) = s.from {
            text.push_str(from);
            text.push_str(" → ");
        }
        text.push_str(to);
    }
    if let Some(why) = s.why {
        text.push_str(" — ");
        text.push_str(&why);
    }
    text
}

/// The weekdays' names, Monday first (`WorkHours::weekday` 1 is Monday).
pub const WEEKDAYS: [Msg; 7] = [
    Msg::Monday,
    Msg::Tuesday,
    Msg::Wednesday,
    Msg::Thursday,
    Msg::Friday,
    Msg::Saturday,
    Msg::Sunday,
];

/// A duration, rounded to what a reader needs: "45 s" under a minute, "12 min", "3 h 20 min",
/// "2 d 4 h" — the same units in both languages.
pub fn duration_text(ms: i64) -> String {
    let (s, min) = (ms / 1000, ms / 60_000);
    let (h, d) = (min / 60, min / (60 * 24));
    match () {
        _ if min < 1 => format!("{s} s"),
        _ if h < 1 => format!("{min} min"),
        _ if d < 1 => format!("{h} h {} min", min % 60),
        _ => format!("{d} d {} h", h % 24),
    }
}

/// Why a ticket went to an operator or away from one, in the reader's language.
fn why_text(why: &Why, lang: Lang) -> String {
    match why {
        Why::Automatic {
            load,
            capacity,
            on_duty,
        } => format!(
            "{} {load}/{capacity} · {}: {on_duty}",
            Msg::AutoLowestLoad.text(lang),
            Msg::OnDuty.text(lang)
        ),
        Why::OffDuty => Msg::OffDutyReason.text(lang).to_string(),
        Why::Manual => Msg::ManualReason.text(lang).to_string(),
        Why::OperatorGone => Msg::OperatorGoneReason.text(lang).to_string(),
        Why::Escalated => Msg::WhyEscalated.text(lang).to_string(),
        Why::Imported => Msg::WhyImported.text(lang).to_string(),
        Why::Transferred => Msg::WhyTransferred.text(lang).to_string(),
        Why::Forced(words) => words.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(actor: Option<&str>, what: EventKind) -> TicketEvent {
        TicketEvent {
            id: 1,
            at: 0,
            actor_name: actor.map(str::to_string),
            what,
            ticket: None,
        }
    }

    /// `e` reads `en` in English and `bs` in Bosnian.
    fn reads(e: &TicketEvent, en: &str, bs: &str) {
        assert_eq!(event_text(e, Lang::En), en);
        assert_eq!(event_text(e, Lang::Bs), bs);
    }

    #[test]
    fn history_rows_read_as_sentences_in_the_readers_language() {
        use crate::tickets::Priority;
        let reopened = event(
            Some("Mirela Hodžić"),
            EventKind::Status {
                from: Status::Closed,
                to: Status::Assigned,
                reason: Some("It smokes again.".into()),
                via: None,
            },
        );
        reads(
            &reopened,
            "Mirela Hodžić changed the status: closed → assigned to operator — It smokes again.",
            "Mirela Hodžić · promjena statusa: zatvoren → dodijeljen operateru — It smokes again.",
        );
        let lapsed = event(
            None,
            EventKind::Status {
                from: Status::ReturnedToClient,
                to: Status::Closed,
                reason: None,
                via: Some(Via::Silence),
            },
        );
        reads(
            &lapsed,
            "System closed it (no answer to the proposed solution): returned to client → closed",
            "Sistem · zatvoreno (bez odgovora na prijedlog rješenja): vraćen klijentu → zatvoren",
        );
        let created = event(Some("Ana"), EventKind::Created);
        assert_eq!(
            event_text(&created, Lang::En),
            "Ana opened the ticket: open"
        );
        let priority = EventKind::Priority {
            from: Priority::High,
            to: Priority::Critical,
        };
        assert_eq!(
            event_text(&event(Some("Tarik"), priority), Lang::Bs),
            "Tarik · promjena prioriteta: visok → kritičan"
        );
        let category = EventKind::Category {
            from: None,
            to: Some("Printers".into()),
        };
        assert_eq!(
            event_text(&event(Some("Tarik"), category), Lang::En),
            "Tarik changed the category: Printers"
        );
    }

    #[test]
    fn system_reasons_are_translated_and_peoples_words_kept() {
        let assigned = |to: Option<&str>, why| {
            event(
                None,
                EventKind::Assigned {
                    from: None,
                    to: None,
                    to_name: to.map(str::to_string),
                    why,
                },
            )
        };
        let automatic = assigned(
            Some("Đorđe Šarić"),
            Some(Why::Automatic {
                load: 2,
                capacity: 10,
                on_duty: 3,
            }),
        );
        reads(
            &automatic,
            "System assigned the ticket to Đorđe Šarić — automatic: lowest load 2/10 · on duty: 3",
            "Sistem · dodjela tiketa: Đorđe Šarić — automatski: najmanje opterećenje 2/10 · na dužnosti: 3",
        );
        // Taken back: said as such, not as an assignment.
        reads(
            &assigned(None, Some(Why::OffDuty)),
            "System put the ticket back in the queue — the operator went off duty",
            "Sistem · vraćanje tiketa u red — operater je van dužnosti",
        );
        for (why, reason) in [
            (Why::OffDuty, Msg::OffDutyReason),
            (Why::Manual, Msg::ManualReason),
            (Why::OperatorGone, Msg::OperatorGoneReason),
        ] {
            let row = assigned(Some("Ana"), Some(why));
            for lang in Lang::ALL {
                let sentence = event_text(&row, lang);
                assert!(sentence.ends_with(reason.text(lang)), "{sentence}");
            }
        }
        let forced = assigned(
            Some("Ana"),
            Some(Why::Forced("Training: skip the queue".into())),
        );
        assert_eq!(
            event_text(&forced, Lang::Bs),
            "Sistem · dodjela tiketa: Ana — Training: skip the queue"
        );
        // A client is told who has the ticket, and nothing of why.
        let seen_by_client = assigned(Some("Ana"), None);
        assert_eq!(
            event_text(&seen_by_client, Lang::En),
            "System assigned the ticket to Ana"
        );
    }

    #[test]
    fn days_read_the_languages_way() {
        assert_eq!(Lang::En.day("2026-12-06"), "6 Dec 2026");
        assert_eq!(Lang::Bs.day("2026-12-06"), "6. 12. 2026.");
        assert_eq!(Lang::En.day("2026-13-06"), "2026-13-06");
    }

    #[test]
    fn counted_words_take_their_plural_form() {
        let bs = |n| Lang::Bs.plural(n, ["nalog", "naloga", "naloga_"]);
        assert_eq!(
            [bs(1), bs(2), bs(5), bs(21), bs(11), bs(12), bs(22), bs(25)],
            ["nalog", "naloga", "naloga_", "nalog", "naloga_", "naloga_", "naloga", "naloga_"]
        );
        let en = |n| Lang::En.plural(n, ["account", "accounts", ""]);
        assert_eq!([en(1), en(2), en(21)], ["account", "accounts", "accounts"]);
        let limit = |limit| AppError::EditionLimit {
            role: Role::Operator,
            limit,
        };
        assert!(error_text(&limit(1), Lang::En).contains("1 active account of"));
        assert!(error_text(&limit(2), Lang::En).contains("2 active accounts of"));
        assert!(error_text(&limit(2), Lang::Bs).contains("2 aktivna naloga uloge"));
        assert!(error_text(&limit(5), Lang::Bs).contains("5 aktivnih naloga uloge"));
        assert!(error_text(&limit(21), Lang::Bs).contains("21 aktivan nalog uloge"));
    }

    #[test]
    fn no_sentence_guesses_a_gender() {
        for m in Msg::ALL {
            assert!(
                !m.text(Lang::Bs).contains("/la"),
                "{m:?}: {}",
                m.text(Lang::Bs)
            );
        }
    }

    #[test]
    fn durations_read_in_the_units_a_reader_needs() {
        let min = 60_000;
        assert_eq!(duration_text(45_000), "45 s");
        assert_eq!(duration_text(12 * min + 59_000), "12 min");
        assert_eq!(duration_text(200 * min), "3 h 20 min");
        assert_eq!(duration_text((52 * 60 + 5) * min), "2 d 4 h");
    }

    #[test]
    fn every_message_is_translated() {
        for m in Msg::ALL {
            assert!(!m.text(Lang::En).is_empty(), "{m:?} has no English text");
            assert!(!m.text(Lang::Bs).is_empty(), "{m:?} has no Bosnian text");
        }
    }

    #[test]
    fn choice_tables_follow_the_declaration_order() {
        use crate::tickets::{Priority, Status};
        for (i, s) in Status::ALL.into_iter().enumerate() {
            assert_eq!(Status::CHOICES[i].0, s.as_str());
        }
        for (i, p) in Priority::ALL.into_iter().enumerate() {
            assert_eq!(Priority::CHOICES[i].0, p.as_str());
        }
        for (i, r) in Role::ALL.into_iter().enumerate() {
            assert_eq!(Role::CHOICES[i].0, r.as_str());
        }
        assert_eq!(
            Status::ReturnedToClient.label(Lang::En),
            "returned to client"
        );
    }

    #[test]
    fn browser_tags_pick_the_closest_language() {
        assert_eq!(Lang::from_tag("bs-BA"), Some(Lang::Bs));
        assert_eq!(Lang::from_tag("hr"), Some(Lang::Bs));
        assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("nb-NO"), None);
    }

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(relative_time(10_000, Lang::En), "just now");
        assert_eq!(relative_time(12 * 60_000, Lang::En), "12 min ago");
        assert_eq!(relative_time(5 * 3_600_000, Lang::Bs), "prije 5 h");
        assert_eq!(relative_time(3 * 86_400_000, Lang::En), "3 d ago");
    }

    #[test]
    fn error_messages_carry_their_figures() {
        let e = AppError::TooManyAttempts {
            retry_after_secs: 61,
        };
        assert!(error_text(&e, Lang::En).contains("2 min"));
        let e = AppError::invalid(Field::NewPassword, Problem::TooShort { min: 12 });
        assert_eq!(
            error_text(&e, Lang::Bs),
            "Nova lozinka: najmanje 12 znakova."
        );
    }
}
