//! Every string the widget shows, in English, French, German, Spanish, Dutch, Japanese and
//! Arabic, with the merchant's overrides on top.
//!
//! Text is looked up in this order: the merchant's override for the page's exact locale
//! (`fr-CA`), for its language (`fr`), for every language (`*`); the built-in table of the
//! page's language; English. A missing translation therefore shows English, never a key name.
//!
//! The built-in tables other than English are a layer of [`Overrides`] like the merchant's
//! ([`Overrides::builtin`]). The browser build does not carry them: it loads the page
//! language's table as a language pack, the JSON of [`Overrides::to_json`], so a shopper
//! downloads one language, not seven.
//!
//! Templates hold `{placeholder}`s; [`fill`] puts text into them, and only text: the widget
//! inserts the result with `textContent`. Numbers and money are formatted by the browser's
//! `Intl` in the web shell, which passes them in as text.

use super::deadline::TimeUnit;
use super::json::{self, Value};
use super::read::{self, join, FieldError};

/// One widget string. The names ([`Key::name`]) are what merchants write in overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs)] // Each variant is documented by its English text in `EN`.
pub enum Key {
    Heading,
    AddToCart,
    Adding,
    Added,
    AddSelected,
    SelectItem,
    BundleTotal,
    YouSave,
    Save,
    PercentOff,
    OriginalPrice,
    SalePrice,
    OfferEndsIn,
    OfferEnded,
    HideTimer,
    ShowTimer,
    MoreTime,
    TimeExtended,
    DiscountCode,
    PairsWith,
    Rating,
    RatingOne,
    RatingLabel,
    Day,
    Hour,
    Minute,
    Second,
    Consent,
    Email,
    EmailInvalid,
    ConsentThanks,
    ConsentGiven,
    OptOut,
    Helpful,
    Yes,
    No,
    FeedbackThanks,
    ErrorAdd,
    ErrorNetwork,
    ErrorSoldOut,
}

/// How many strings there are.
pub const KEY_COUNT: usize = 40;

impl Key {
    /// Every key, in table order.
    pub const ALL: [Key; KEY_COUNT] = [
        Key::Heading,
        Key::AddToCart,
        Key::Adding,
        Key::Added,
        Key::AddSelected,
        Key::SelectItem,
        Key::BundleTotal,
        Key::YouSave,
        Key::Save,
        Key::PercentOff,
        Key::OriginalPrice,
        Key::SalePrice,
        Key::OfferEndsIn,
        Key::OfferEnded,
        Key::HideTimer,
        Key::ShowTimer,
        Key::MoreTime,
        Key::TimeExtended,
        Key::DiscountCode,
        Key::PairsWith,
        Key::Rating,
        Key::RatingOne,
        Key::RatingLabel,
        Key::Day,
        Key::Hour,
        Key::Minute,
        Key::Second,
        Key::Consent,
        Key::Email,
        Key::EmailInvalid,
        Key::ConsentThanks,
        Key::ConsentGiven,
        Key::OptOut,
        Key::Helpful,
        Key::Yes,
        Key::No,
        Key::FeedbackThanks,
        Key::ErrorAdd,
        Key::ErrorNetwork,
        Key::ErrorSoldOut,
    ];

    /// The name merchants use in overrides, such as `"add_to_cart"`.
    pub fn name(self) -> &'static str {
        entry(NAMES, self as usize)
    }

    /// The key called `name`.
    pub fn from_name(name: &str) -> Option<Key> {
        NAMES
            .split('\u{1f}')
            .position(|n| n == name)
            .and_then(|i| Key::ALL.get(i).copied())
    }

    /// [`Key::RatingOne`] for exactly one review, else [`Key::Rating`].
    pub fn rating_for(review_count: u32) -> Key {
        if review_count == 1 {
            Key::RatingOne
        } else {
            Key::Rating
        }
    }

    /// The English template, which also lists the placeholders the key takes.
    pub fn english(self) -> &'static str {
        entry(EN, self as usize)
    }
}

/// A language's texts in [`Key::ALL`] order, each followed by U+001F: one string rather than
/// an array of string references, whose pointers cost the wasm build about 2 KB.
type Table = &'static str;

/// Joins literals into one [`Table`].
macro_rules! table {
    ($($text:literal),* $(,)?) => {
        concat!($($text, "\u{1f}"),*)
    };
}

/// Entry `i` of a table.
fn entry(table: Table, i: usize) -> &'static str {
    table.split('\u{1f}').nth(i).unwrap_or("")
}

const NAMES: Table = table![
    "heading",
    "add_to_cart",
    "adding",
    "added",
    "add_selected",
    "select_item",
    "bundle_total",
    "you_save",
    "save",
    "percent_off",
    "original_price",
    "sale_price",
    "offer_ends_in",
    "offer_ended",
    "hide_timer",
    "show_timer",
    "more_time",
    "time_extended",
    "discount_code",
    "pairs_with",
    "rating",
    "rating_one",
    "rating_label",
    "day",
    "hour",
    "minute",
    "second",
    "consent",
    "email",
    "email_invalid",
    "consent_thanks",
    "consent_given",
    "opt_out",
    "helpful",
    "yes",
    "no",
    "feedback_thanks",
    "error_add",
    "error_network",
    "error_sold_out",
];

static EN: Table = table![
    "Frequently bought together",
    "Add to cart",
    "Adding…",
    "Added to cart",
    "Add selected to cart",
    "Include {title}",
    "Total: {amount}",
    "You save {amount}",
    "Save {amount}",
    "-{percent}%",
    "Original price",
    "Sale price",
    "Offer ends in {time}",
    "This offer has ended",
    "Hide timer",
    "Show timer",
    "Give me more time",
    "More time added: the offer now ends in {time}",
    "Code {code} is applied at checkout",
    "Pairs with your {title}",
    "{rating} ({count} reviews)",
    "{rating} (1 review)",
    "Rated {rating} out of 5",
    "{n} d",
    "{n} h",
    "{n} min",
    "{n} s",
    "Email me tips and offers for my order",
    "Email",
    "Enter a valid email address",
    "Thanks! We'll email you tips and offers for your order.",
    "You agreed to marketing emails at checkout. Untick the box to opt out.",
    "Don't email me",
    "Was this helpful?",
    "Yes",
    "No",
    "Thanks for your feedback",
    "Could not add to cart: {message}",
    "Could not reach the shop. Please try again.",
    "Sorry, this item is sold out.",
];

// French typography puts a no-break space before `:`, `!`, `?` and a narrow one before `%`.
static FR: Table = table![
    "Souvent achetés ensemble",
    "Ajouter au panier",
    "Ajout…",
    "Ajouté au panier",
    "Ajouter la sélection au panier",
    "Inclure {title}",
    "Total\u{a0}: {amount}",
    "Vous économisez {amount}",
    "Économisez {amount}",
    "-{percent}\u{202f}%",
    "Prix d’origine",
    "Prix soldé",
    "L’offre se termine dans {time}",
    "Cette offre est terminée",
    "Masquer le minuteur",
    "Afficher le minuteur",
    "Donnez-moi plus de temps",
    "Délai prolongé\u{a0}: l’offre se termine dans {time}",
    "Le code {code} est appliqué au paiement",
    "S’accorde avec votre {title}",
    "{rating} ({count} avis)",
    "{rating} (1 avis)",
    "Noté {rating} sur 5",
    "{n} j",
    "{n} h",
    "{n} min",
    "{n} s",
    "Envoyez-moi des conseils et des offres pour ma commande",
    "E-mail",
    "Saisissez une adresse e-mail valide",
    "Merci\u{a0}! Nous vous enverrons des conseils et des offres pour votre commande.",
    "Vous avez accepté les e-mails marketing lors du paiement. Décochez la case pour vous désabonner.",
    "Ne m’envoyez pas d’e-mails",
    "Cela vous a-t-il été utile\u{a0}?",
    "Oui",
    "Non",
    "Merci pour votre avis",
    "Impossible d’ajouter au panier\u{a0}: {message}",
    "Impossible de joindre la boutique. Veuillez réessayer.",
    "Désolé, cet article est épuisé.",
];

static DE: Table = table![
    "Wird oft zusammen gekauft",
    "In den Warenkorb",
    "Wird hinzugefügt…",
    "Zum Warenkorb hinzugefügt",
    "Auswahl in den Warenkorb",
    "{title} auswählen",
    "Gesamt: {amount}",
    "Sie sparen {amount}",
    "{amount} sparen",
    "-{percent}\u{a0}%",
    "Ursprünglicher Preis",
    "Angebotspreis",
    "Angebot endet in {time}",
    "Dieses Angebot ist abgelaufen",
    "Timer ausblenden",
    "Timer einblenden",
    "Ich brauche mehr Zeit",
    "Mehr Zeit hinzugefügt: Das Angebot endet in {time}",
    "Code {code} wird an der Kasse angewendet",
    "Passt zu {title}",
    "{rating} ({count} Bewertungen)",
    "{rating} (1 Bewertung)",
    "Mit {rating} von 5 bewertet",
    "{n} T.",
    "{n} Std.",
    "{n} Min.",
    "{n} Sek.",
    "Tipps und Angebote zu meiner Bestellung per E-Mail erhalten",
    "E-Mail",
    "Geben Sie eine gültige E-Mail-Adresse ein",
    "Danke! Wir senden Ihnen Tipps und Angebote zu Ihrer Bestellung.",
    "Sie haben beim Bezahlen Marketing-E-Mails zugestimmt. Entfernen Sie das Häkchen, um sich abzumelden.",
    "Keine E-Mails senden",
    "War das hilfreich?",
    "Ja",
    "Nein",
    "Danke für Ihr Feedback",
    "Konnte nicht in den Warenkorb gelegt werden: {message}",
    "Der Shop ist nicht erreichbar. Bitte versuchen Sie es erneut.",
    "Dieser Artikel ist leider ausverkauft.",
];

static ES: Table = table![
    "Comprados juntos habitualmente",
    "Añadir al carrito",
    "Añadiendo…",
    "Añadido al carrito",
    "Añadir selección al carrito",
    "Incluir {title}",
    "Total: {amount}",
    "Ahorras {amount}",
    "Ahorra {amount}",
    "-{percent}\u{a0}%",
    "Precio original",
    "Precio de oferta",
    "La oferta termina en {time}",
    "Esta oferta ha terminado",
    "Ocultar temporizador",
    "Mostrar temporizador",
    "Dame más tiempo",
    "Tiempo ampliado: la oferta termina en {time}",
    "El código {code} se aplica al pagar",
    "Combina con tu {title}",
    "{rating} ({count} reseñas)",
    "{rating} (1 reseña)",
    "Valoración: {rating} de 5",
    "{n} d",
    "{n} h",
    "{n} min",
    "{n} s",
    "Quiero recibir por correo consejos y ofertas para mi pedido",
    "Correo electrónico",
    "Introduce un correo electrónico válido",
    "¡Gracias! Te enviaremos consejos y ofertas para tu pedido.",
    "Aceptaste recibir correos de marketing al pagar. Desmarca la casilla para darte de baja.",
    "No quiero recibir correos",
    "¿Te ha resultado útil?",
    "Sí",
    "No",
    "Gracias por tu opinión",
    "No se pudo añadir al carrito: {message}",
    "No se pudo conectar con la tienda. Inténtalo de nuevo.",
    "Lo sentimos, este artículo está agotado.",
];

static NL: Table = table![
    "Vaak samen gekocht",
    "In winkelwagen",
    "Toevoegen…",
    "Toegevoegd aan winkelwagen",
    "Selectie in winkelwagen",
    "{title} selecteren",
    "Totaal: {amount}",
    "Je bespaart {amount}",
    "Bespaar {amount}",
    "-{percent}%",
    "Oorspronkelijke prijs",
    "Actieprijs",
    "Aanbieding eindigt over {time}",
    "Deze aanbieding is afgelopen",
    "Timer verbergen",
    "Timer tonen",
    "Geef me meer tijd",
    "Meer tijd: de aanbieding eindigt over {time}",
    "Code {code} wordt toegepast bij het afrekenen",
    "Past bij je {title}",
    "{rating} ({count} reviews)",
    "{rating} (1 review)",
    "Beoordeeld met {rating} van 5",
    "{n} d",
    "{n} u",
    "{n} min",
    "{n} s",
    "Mail me tips en aanbiedingen voor mijn bestelling",
    "E-mail",
    "Vul een geldig e-mailadres in",
    "Bedankt! We mailen je tips en aanbiedingen voor je bestelling.",
    "Je hebt bij het afrekenen ingestemd met marketingmails. Vink het vakje uit om je af te melden.",
    "Mail me niet",
    "Was dit nuttig?",
    "Ja",
    "Nee",
    "Bedankt voor je feedback",
    "Toevoegen aan winkelwagen mislukt: {message}",
    "De winkel is niet bereikbaar. Probeer het opnieuw.",
    "Sorry, dit artikel is uitverkocht.",
];

static JA: Table = table![
    "よく一緒に購入されている商品",
    "カートに追加",
    "追加中…",
    "カートに追加しました",
    "選択した商品をカートに追加",
    "{title}を含める",
    "合計：{amount}",
    "{amount}お得",
    "{amount}オフ",
    "{percent}%オフ",
    "通常価格",
    "セール価格",
    "終了まであと{time}",
    "このオファーは終了しました",
    "タイマーを非表示",
    "タイマーを表示",
    "時間を延長する",
    "時間を延長しました。終了まであと{time}",
    "コード{code}はお支払い時に適用されます",
    "ご購入の{title}にぴったり",
    "{rating}（レビュー{count}件）",
    "{rating}（レビュー1件）",
    "5つ星のうち{rating}",
    "{n}日",
    "{n}時間",
    "{n}分",
    "{n}秒",
    "ご注文に関するヒントとお得な情報をメールで受け取る",
    "メールアドレス",
    "有効なメールアドレスを入力してください",
    "ありがとうございます。ご注文に関するヒントとお得な情報をお送りします。",
    "お支払い時にマーケティングメールの受信に同意されました。配信を停止するにはチェックを外してください。",
    "メールを受け取らない",
    "お役に立ちましたか？",
    "はい",
    "いいえ",
    "ご意見ありがとうございます",
    "カートに追加できませんでした：{message}",
    "ショップに接続できませんでした。もう一度お試しください。",
    "申し訳ありません。この商品は売り切れです。",
];

static AR: Table = table![
    "يُشترى معًا بشكل متكرر",
    "أضف إلى السلة",
    "جارٍ الإضافة…",
    "تمت الإضافة إلى السلة",
    "أضف المحدد إلى السلة",
    "تضمين {title}",
    "الإجمالي: {amount}",
    "توفّر {amount}",
    "وفّر {amount}",
    "-{percent}٪",
    "السعر الأصلي",
    "سعر التخفيض",
    "ينتهي العرض خلال {time}",
    "انتهى هذا العرض",
    "إخفاء المؤقت",
    "إظهار المؤقت",
    "أريد مزيدًا من الوقت",
    "تمت إضافة وقت: ينتهي العرض خلال {time}",
    "يُطبَّق الرمز {code} عند الدفع",
    "يناسب {title} الذي اشتريته",
    "{rating} (عدد المراجعات: {count})",
    "{rating} (مراجعة واحدة)",
    "التقييم {rating} من 5",
    "{n} ي",
    "{n} س",
    "{n} د",
    "{n} ث",
    "أرسل لي نصائح وعروضًا لطلبي عبر البريد الإلكتروني",
    "البريد الإلكتروني",
    "أدخل عنوان بريد إلكتروني صالحًا",
    "شكرًا! سنرسل إليك نصائح وعروضًا لطلبك.",
    "لقد وافقت على رسائل التسويق عند الدفع. ألغِ تحديد المربع لإلغاء الاشتراك.",
    "لا ترسل لي رسائل",
    "هل كان هذا مفيدًا؟",
    "نعم",
    "لا",
    "شكرًا على ملاحظاتك",
    "تعذّرت الإضافة إلى السلة: {message}",
    "تعذّر الوصول إلى المتجر. يُرجى المحاولة مرة أخرى.",
    "عذرًا، هذا المنتج نفد من المخزون.",
];

/// A language with a built-in table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English, also the fallback.
    En,
    /// French.
    Fr,
    /// German.
    De,
    /// Spanish.
    Es,
    /// Dutch.
    Nl,
    /// Japanese.
    Ja,
    /// Arabic.
    Ar,
}

impl Lang {
    /// Every built-in language.
    pub const ALL: [Lang; 7] = [
        Lang::En,
        Lang::Fr,
        Lang::De,
        Lang::Es,
        Lang::Nl,
        Lang::Ja,
        Lang::Ar,
    ];

    /// The built-in language for a BCP 47 tag: `fr-CA` → French, `pt-BR` → English.
    pub fn match_locale(tag: &str) -> Lang {
        match primary(tag).as_str() {
            "fr" => Lang::Fr,
            "de" => Lang::De,
            "es" => Lang::Es,
            "nl" => Lang::Nl,
            "ja" => Lang::Ja,
            "ar" => Lang::Ar,
            _ => Lang::En,
        }
    }

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::Es => "es",
            Lang::Nl => "nl",
            Lang::Ja => "ja",
            Lang::Ar => "ar",
        }
    }

    fn table(self) -> Table {
        match self {
            Lang::En => EN,
            Lang::Fr => FR,
            Lang::De => DE,
            Lang::Es => ES,
            Lang::Nl => NL,
            Lang::Ja => JA,
            Lang::Ar => AR,
        }
    }
}

/// A locale tag normalised for comparison: lower case, `_` read as `-`.
fn normalise(tag: &str) -> String {
    // Byte by byte: `replace` would bring its own code into the wasm build.
    let bytes = tag.trim().bytes().map(|b| match b {
        b'_' => b'-',
        b => b.to_ascii_lowercase(),
    });
    String::from_utf8_lossy(&bytes.collect::<Vec<u8>>()).into_owned()
}

/// The primary language subtag, lower case: `"pt"` for `pt_BR`.
fn primary(tag: &str) -> String {
    let mut t = normalise(tag);
    t.truncate(t.find('-').unwrap_or(t.len()));
    t
}

/// True for languages written right to left (Arabic, Hebrew, Persian, Urdu and others), so the
/// widget's layout mirrors the page's.
pub fn is_rtl(tag: &str) -> bool {
    matches!(
        primary(tag).as_str(),
        "ar" | "he" | "iw" | "fa" | "ur" | "ps" | "yi" | "dv" | "ckb" | "sd" | "ug"
    )
}

/// Puts `args` into `template`'s `{name}` placeholders. Values go in as they are and are not
/// searched for placeholders again, so a product title such as `"{amount}"` stays literal. A
/// placeholder without a value is left out rather than shown as `{name}`; braces that do not
/// enclose a name (`{ }`, `{A}`) are ordinary text.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match placeholder_at(after) {
            Some(name) => {
                if let Some((_, value)) = args.iter().find(|(k, _)| *k == name) {
                    out.push_str(value);
                }
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholder name at the start of `s` (just after a `{`): `[a-z_]+` followed by `}`.
fn placeholder_at(s: &str) -> Option<&str> {
    let end = s.find('}')?;
    let name = &s[..end];
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')).then_some(name)
}

/// The placeholder names in a template, in order.
fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(name) = placeholder_at(rest) {
            names.push(name);
            rest = &rest[name.len() + 1..];
        }
    }
    names
}

/// Why the merchant's strings were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StringsError {
    /// Not JSON.
    #[error("strings are not valid JSON: {0}")]
    Syntax(#[from] json::SyntaxError),
    /// A language, key or text is wrong.
    #[error("{0}")]
    Field(#[from] FieldError),
}

/// The merchant's texts: for each language tag (`"fr"`, `"pt-BR"`, or `"*"` for every
/// language), a map from key name to template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// (normalised tag, key, text), in source order.
    entries: Vec<(String, Key, String)>,
}

impl Overrides {
    /// Reads overrides JSON such as `{"*": {"heading": "Complete the look"},
    /// "fr": {"heading": "Complétez le look"}}`. Errors name the place from `strings`, as in
    /// `strings.fr.headng: unknown key`.
    pub fn parse(text: &str) -> Result<Overrides, StringsError> {
        Ok(Overrides::from_value(&json::parse(text)?, "strings")?)
    }

    /// Validates already parsed overrides; `path` names their place in the document.
    pub fn from_value(v: &Value, path: &str) -> read::Result<Overrides> {
        let mut entries = Vec::new();
        for (tag, texts) in read::object(v, path)? {
            let tag_path = join(path, tag);
            if !is_language_tag(tag) {
                return read::fail(
                    &tag_path,
                    "expected a language tag such as \"fr\" or \"pt-BR\", or \"*\" for every language",
                );
            }
            for (name, text) in read::object(texts, &tag_path)? {
                let text_path = join(&tag_path, name);
                let Some(key) = Key::from_name(name) else {
                    return read::fail(&text_path, unknown_key_message());
                };
                let text = read::string(text, &text_path)?;
                if text.trim().is_empty() {
                    return read::fail(&text_path, "expected text, got an empty string");
                }
                let allowed = placeholders(key.english());
                if let Some(bad) = placeholders(&text)
                    .into_iter()
                    .find(|p| !allowed.contains(p))
                {
                    return read::fail(&text_path, bad_placeholder_message(bad, &allowed));
                }
                entries.push((normalise(tag), key, text));
            }
        }
        Ok(Overrides { entries })
    }

    /// The built-in table of `lang` as overrides for its language code: natively the layer
    /// under the merchant's overrides, and in the browser the language pack it loads.
    pub fn builtin(lang: Lang) -> Overrides {
        let entries = Key::ALL
            .iter()
            .map(|&key| {
                let text = entry(lang.table(), key as usize);
                (lang.code().to_owned(), key, text.to_owned())
            })
            .collect();
        Overrides { entries }
    }

    /// The JSON that [`Overrides::parse`] reads back: `{"fr":{"heading":"…",…}}`.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        let mut tags: Vec<&str> = Vec::new();
        for (tag, _, _) in &self.entries {
            if !tags.contains(&tag.as_str()) {
                tags.push(tag);
            }
        }
        for (i, tag) in tags.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            json::escape_into(&mut out, tag);
            out.push_str("\":{");
            let mine = self.entries.iter().filter(|(t, _, _)| t == tag);
            for (j, (_, key, text)) in mine.enumerate() {
                if j > 0 {
                    out.push(',');
                }
                out.push('"');
                out.push_str(key.name());
                out.push_str("\":\"");
                json::escape_into(&mut out, text);
                out.push('"');
            }
            out.push('}');
        }
        out.push('}');
        out
    }

    fn find(&self, tag: &str, key: Key) -> Option<&str> {
        // Later entries win, as later keys do in JSON.
        self.entries
            .iter()
            .rev()
            .find(|(t, k, _)| t == tag && *k == key)
            .map(|(_, _, text)| text.as_str())
    }
}

fn is_language_tag(tag: &str) -> bool {
    if tag == "*" {
        return true;
    }
    let tag = normalise(tag);
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn unknown_key_message() -> String {
    let mut m = String::from("unknown key; the keys are ");
    m.push_str(&NAMES[..NAMES.len() - 1].replace('\u{1f}', ", "));
    m
}

fn bad_placeholder_message(bad: &str, allowed: &[&str]) -> String {
    let mut m = String::from("unknown placeholder {");
    m.push_str(bad);
    m.push('}');
    m.push_str("; this text takes ");
    if allowed.is_empty() {
        m.push_str("none");
    }
    // Pushed one by one: `join` and `concat` would add their own code to the wasm build.
    for (i, a) in allowed.iter().enumerate() {
        if i > 0 {
            m.push_str(", ");
        }
        m.push('{');
        m.push_str(a);
        m.push('}');
    }
    m
}

/// The strings for one page: its locale, resolved against the built-in tables and the
/// merchant's overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strings {
    lang: Lang,
    rtl: bool,
    /// Separator between countdown units: none in Japanese and Chinese, a space elsewhere.
    compact: bool,
    /// The overrides that apply to this locale, most specific first per key.
    texts: Vec<(Key, String)>,
}

impl Strings {
    /// The strings for a page in `locale` (BCP 47, such as `"fr-CA"`; empty for English)
    /// from `layers`, the first that has a text winning: the merchant's overrides, then the
    /// language's built-in texts (a language pack in the browser); English for the rest.
    pub fn new(locale: &str, layers: &[&Overrides]) -> Strings {
        let exact = normalise(locale);
        let language = primary(locale);
        let mut texts = Vec::new();
        for key in Key::ALL {
            let found = layers.iter().find_map(|o| {
                o.find(&exact, key)
                    .or_else(|| o.find(&language, key))
                    .or_else(|| o.find("*", key))
            });
            if let Some(text) = found {
                texts.push((key, text.to_owned()));
            }
        }
        Strings {
            lang: Lang::match_locale(locale),
            rtl: is_rtl(locale),
            compact: matches!(language.as_str(), "ja" | "zh"),
            texts,
        }
    }

    /// The strings for a page in `locale`: the merchant's `overrides` over the built-in table
    /// of the locale's language.
    pub fn builtin(locale: &str, overrides: &Overrides) -> Strings {
        let table = Overrides::builtin(Lang::match_locale(locale));
        Strings::new(locale, &[overrides, &table])
    }

    /// The language of the locale's built-in table (English when there is none).
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// `"rtl"` or `"ltr"`, for the widget's `dir` attribute.
    pub fn dir(&self) -> &'static str {
        if self.rtl {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The template for `key`.
    pub fn get(&self, key: Key) -> &str {
        match self.texts.iter().find(|(k, _)| *k == key) {
            Some((_, text)) => text,
            None => key.english(),
        }
    }

    /// The text for `key` with its placeholders filled (see [`fill`]).
    pub fn text(&self, key: Key, args: &[(&str, &str)]) -> String {
        fill(self.get(key), args)
    }

    /// A countdown such as `"1 d 3 h"` (`"1日3時間"` in Japanese) from its parts; `number`
    /// formats each figure (the web shell passes `Intl.NumberFormat`).
    pub fn duration(&self, parts: &[(u64, TimeUnit)], number: &dyn Fn(u64) -> String) -> String {
        let mut out = String::new();
        for (i, &(n, unit)) in parts.iter().enumerate() {
            if i > 0 && !self.compact {
                out.push(' ');
            }
            let key = match unit {
                TimeUnit::Day => Key::Day,
                TimeUnit::Hour => Key::Hour,
                TimeUnit::Minute => Key::Minute,
                TimeUnit::Second => Key::Second,
            };
            out.push_str(&self.text(key, &[("n", &number(n))]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `key` is a key name, or `@dir`/`@lang`; `overrides` is JSON or empty. Shows the text
    /// the shopper sees, or the merchant's error.
    fn check(locale: &str, overrides: &str, key: &str, args: &[(&str, &str)], expected: &str) {
        let overrides = if overrides.is_empty() {
            Overrides::default()
        } else {
            match Overrides::parse(overrides) {
                Ok(o) => o,
                Err(e) => {
                    assert_eq!(e.to_string(), expected, "overrides {overrides}");
                    return;
                }
            }
        };
        let s = Strings::builtin(locale, &overrides);
        let got = match key {
            "@dir" => s.dir().to_owned(),
            "@lang" => s.lang().code().to_owned(),
            name => s.text(Key::from_name(name).expect("test key"), args),
        };
        assert_eq!(got, expected, "{locale} {key}");
    }

    #[test]
    fn the_page_locale_picks_the_language() {
        check("en-GB", "", "heading", &[], "Frequently bought together");
        check("fr-CA", "", "heading", &[], "Souvent achetés ensemble");
        check("FR_fr", "", "@lang", &[], "fr");
        check("de-AT", "", "add_to_cart", &[], "In den Warenkorb");
        check("es-MX", "", "offer_ended", &[], "Esta oferta ha terminado");
        check("nl-BE", "", "add_selected", &[], "Selectie in winkelwagen");
        check("ja-JP", "", "heading", &[], "よく一緒に購入されている商品");
        check("ar-EG", "", "add_to_cart", &[], "أضف إلى السلة");
        // No table: English, never a key name.
        check("pt-BR", "", "heading", &[], "Frequently bought together");
        check("", "", "@lang", &[], "en");
        check("zz", "", "add_to_cart", &[], "Add to cart");
    }

    #[test]
    fn right_to_left_languages() {
        for (locale, dir) in [
            ("ar", "rtl"),
            ("ar-SA", "rtl"),
            ("he-IL", "rtl"),
            ("fa", "rtl"),
            ("ur-PK", "rtl"),
            ("en", "ltr"),
            ("fr-CA", "ltr"),
            ("ja", "ltr"),
            ("arn", "ltr"),
        ] {
            check(locale, "", "@dir", &[], dir);
        }
    }

    #[test]
    fn placeholders_take_text_only() {
        check(
            "en",
            "",
            "you_save",
            &[("amount", "£5.90")],
            "You save £5.90",
        );
        check(
            "fr",
            "",
            "you_save",
            &[("amount", "5,90 €")],
            "Vous économisez 5,90 €",
        );
        check("ja", "", "save", &[("amount", "￥300")], "￥300オフ");
        check("en", "", "percent_off", &[("percent", "20")], "-20%");
        check(
            "fr",
            "",
            "percent_off",
            &[("percent", "20")],
            "-20\u{202f}%",
        );
        check(
            "en",
            "",
            "pairs_with",
            &[("title", "<img src=x onerror=alert(1)> {amount}")],
            "Pairs with your <img src=x onerror=alert(1)> {amount}",
        );
        check(
            "en",
            "",
            "rating",
            &[("rating", "4.8"), ("count", "1,203")],
            "4.8 (1,203 reviews)",
        );
        check(
            "ar",
            "",
            "rating",
            &[("rating", "4.8"), ("count", "1203")],
            "4.8 (عدد المراجعات: 1203)",
        );
        // A missing value leaves the placeholder out instead of showing "{amount}".
        check("en", "", "you_save", &[], "You save ");
        // Braces around anything but a lower-case name are text.
        check(
            "en",
            r#"{"en": {"heading": "{ } {A} {x"}}"#,
            "heading",
            &[("x", "no")],
            "{ } {A} {x",
        );
        check(
            "de",
            "",
            Key::rating_for(1).name(),
            &[("rating", "5")],
            "5 (1 Bewertung)",
        );
    }

    #[test]
    fn merchant_overrides_win_by_specificity() {
        let o = r#"{"*": {"heading": "Complete the look"},
                    "fr": {"heading": "Complétez le look"},
                    "fr-CA": {"heading": "Complétez l’ensemble"},
                    "pt": {"heading": "Compre junto", "add_to_cart": "Adicionar"}}"#;
        check("fr-CA", o, "heading", &[], "Complétez l’ensemble");
        check("fr-FR", o, "heading", &[], "Complétez le look");
        check("de", o, "heading", &[], "Complete the look");
        check("pt-BR", o, "add_to_cart", &[], "Adicionar");
        // Not overridden for Portuguese, no table: English.
        check("pt-BR", o, "added", &[], "Added to cart");
        check("de", o, "added", &[], "Zum Warenkorb hinzugefügt");
        check(
            "en",
            r#"{"en": {"you_save": "{amount} off your bundle"}}"#,
            "you_save",
            &[("amount", "$4")],
            "$4 off your bundle",
        );
    }

    #[test]
    fn bad_overrides_name_the_place() {
        check(
            "en",
            r#"{"fr": {"headng": "x"}}"#,
            "",
            &[],
            &["strings.fr.headng: ", &unknown_key_message()].concat(),
        );
        check(
            "en",
            r#"{"en": {"you_save": "Save {amont}"}}"#,
            "",
            &[],
            "strings.en.you_save: unknown placeholder {amont}; this text takes {amount}",
        );
        check(
            "en",
            r#"{"en": {"heading": "Hi {name}"}}"#,
            "",
            &[],
            "strings.en.heading: unknown placeholder {name}; this text takes none",
        );
        check(
            "en",
            r#"{"en": {"heading": 3}}"#,
            "",
            &[],
            "strings.en.heading: expected a string, got 3",
        );
        check(
            "en",
            r#"{"en": {"heading": "  "}}"#,
            "",
            &[],
            "strings.en.heading: expected text, got an empty string",
        );
        check(
            "en",
            r#"{"english!": {}}"#,
            "",
            &[],
            "strings.english!: expected a language tag such as \"fr\" or \"pt-BR\", or \"*\" for every language",
        );
        check(
            "en",
            r#"{"en": "Hello"}"#,
            "",
            &[],
            "strings.en: expected an object, got \"Hello\"",
        );
        check(
            "en",
            r#"{"en": {"heading": "x"}"#,
            "",
            &[],
            "strings are not valid JSON: line 1, column 24: expected ',' or '}' in object",
        );
    }

    #[test]
    fn countdown_text_per_language() {
        let digits = |n: u64| n.to_string();
        let parts = [(1, TimeUnit::Day), (3, TimeUnit::Hour)];
        let last = [(4, TimeUnit::Minute), (9, TimeUnit::Second)];
        for (locale, a, b) in [
            ("en", "1 d 3 h", "4 min 9 s"),
            ("fr", "1 j 3 h", "4 min 9 s"),
            ("de", "1 T. 3 Std.", "4 Min. 9 Sek."),
            ("nl", "1 d 3 u", "4 min 9 s"),
            ("ja", "1日3時間", "4分9秒"),
            ("ar", "1 ي 3 س", "4 د 9 ث"),
        ] {
            let s = Strings::builtin(locale, &Overrides::default());
            assert_eq!(s.duration(&parts, &digits), a, "{locale}");
            assert_eq!(s.duration(&last, &digits), b, "{locale}");
        }
        let s = Strings::builtin("en", &Overrides::default());
        let time = s.duration(&parts, &digits);
        assert_eq!(
            s.text(Key::OfferEndsIn, &[("time", &time)]),
            "Offer ends in 1 d 3 h"
        );
    }

    #[test]
    fn language_packs_carry_the_tables_and_the_merchant_still_wins() {
        for lang in Lang::ALL {
            let pack = Overrides::parse(&Overrides::builtin(lang).to_json()).expect("pack");
            assert_eq!(pack, Overrides::builtin(lang), "{}", lang.code());
        }
        let fr = Overrides::parse(&Overrides::builtin(Lang::Fr).to_json()).expect("pack");
        assert!(fr
            .to_json()
            .starts_with(r#"{"fr":{"heading":"Souvent achetés ensemble","#));
        let merchant = Overrides::parse(r#"{"*": {"heading": "Complétez le look"}}"#).expect("ok");
        let page = Strings::new("fr-CA", &[&merchant, &fr]);
        assert_eq!(page.get(Key::Heading), "Complétez le look");
        assert_eq!(page.get(Key::AddToCart), "Ajouter au panier");
        // Without the pack (not loaded), English; never a key name.
        let bare = Strings::new("fr-CA", &[&merchant]);
        assert_eq!(bare.get(Key::AddToCart), "Add to cart");
        // A pack with a key missing: that key in English.
        let partial = Overrides::parse(r#"{"fr": {"heading": "Souvent achetés ensemble"}}"#)
            .expect("partial pack");
        assert_eq!(
            Strings::new("fr", &[&partial]).get(Key::Added),
            "Added to cart"
        );
    }

    #[test]
    fn every_table_is_complete_and_keeps_the_placeholders() {
        for lang in Lang::ALL {
            assert_eq!(
                lang.table().split('\u{1f}').count(),
                KEY_COUNT + 1,
                "{} has one text per key",
                lang.code()
            );
            for key in Key::ALL {
                let text = entry(lang.table(), key as usize);
                let name = key.name();
                let code = lang.code();
                assert!(!text.trim().is_empty(), "{code} {name} is empty");
                let mut want = placeholders(key.english());
                let mut got = placeholders(text);
                want.sort_unstable();
                got.sort_unstable();
                assert_eq!(got, want, "{code} {name}: {text}");
            }
        }
        for (i, key) in Key::ALL.iter().enumerate() {
            assert_eq!(*key as usize, i, "Key::ALL order");
            assert_eq!(Key::from_name(key.name()), Some(*key));
        }
    }
}
