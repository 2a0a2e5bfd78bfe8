package bench.values;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * JSON documents that compress as real ones do, for measuring values at rest: a customer's profile
 * and their orders (ids, names, e-mail addresses, prices, dates, line items, tags, a few free-text
 * notes), drawn from a seeded {@link Random} so that every run stores the same bytes. Random hex
 * ids and numbers keep the text from compressing better than a real cache's would; field names and
 * a small vocabulary repeat as they do in any one application's values. Compact text, exactly as the
 * service stores it (it keeps numbers as written and adds no spaces).
 */
public final class Documents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] FIRST = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret",
        "Niklaus", "Radia", "Tim", "Sophie", "Linus", "Hedy", "Claude", "Katherine", "John", "Lynn", "Dennis", "Ines", "Jonas",
        "Mia", "Leon", "Zoé", "Mateo", "Aiko", "Chen", "Priya", "Omar"};
    private static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson",
        "Hamilton", "Wirth", "Perlman", "Berners-Lee", "Wilson", "Torvalds", "Lamarr", "Shannon", "Johnson", "McCarthy", "Conway",
        "Ritchie", "Müller", "Schmidt", "García", "Tanaka", "Wang", "Sharma", "Haddad", "Novak", "Rossi", "Dubois"};
    private static final String[] CITIES = {"Lyon", "Porto", "Leipzig", "Gent", "Turku", "Brno", "Cork", "Malmö", "Graz",
        "Bologna", "Utrecht", "Kraków", "Valencia", "Aarhus", "Ljubljana"};
    private static final String[] COUNTRIES = {"FR", "PT", "DE", "BE", "FI", "CZ", "IE", "SE", "AT", "IT", "NL", "PL", "ES", "DK", "SI"};
    private static final String[] LANGUAGES = {"fr", "pt", "de", "nl", "fi", "cs", "en", "sv", "it", "pl", "es", "da", "sl"};
    private static final String[] WORDS = {"blue", "large", "organic", "cotton", "steel", "travel", "mug", "lamp", "chair",
        "notebook", "pencil", "jacket", "wool", "bottle", "glass", "ceramic", "oak", "linen", "desk", "shelf", "cable", "charger",
        "phone", "case", "leather", "bag", "tea", "coffee", "beans", "green", "black", "white", "red", "small", "medium", "set",
        "pack", "pair", "gift", "box", "premium", "classic", "eco", "recycled", "bamboo", "soft", "warm", "light", "heavy", "duty",
        "please", "deliver", "before", "noon", "leave", "at", "the", "door", "call", "on", "arrival", "fragile", "handle", "with",
        "care", "second", "floor", "back", "entrance", "no", "plastic", "wrap", "thanks", "a", "lot", "for", "quick", "shipping"};
    private static final String[] STATUSES = {"pending", "paid", "packed", "shipped", "delivered", "cancelled", "refunded"};
    private static final String[] TIERS = {"standard", "silver", "gold", "platinum"};
    private static final String[] CURRENCIES = {"EUR", "EUR", "EUR", "SEK", "PLN", "CZK", "DKK"};
    private static final String[] CARRIERS = {"postnl", "dhl", "ups", "colissimo", "gls", "dpd"};
    private static final long EPOCH = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();

    private final Random random;

    /** Documents drawn from {@code seed}: the same seed gives the same documents. */
    public Documents(long seed) {
        this.random = new Random(seed);
    }

    /** {@code count} documents of at least {@code minBytes} bytes of UTF-8 each (at most one order more). */
    public List<String> next(int count, int minBytes) {
        List<String> documents = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            documents.add(next(minBytes));
        }
        return documents;
    }

    /** One customer's profile and as many orders as take its compact text to at least {@code minBytes} bytes. */
    public String next(int minBytes) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("schema", 3);
        doc.set("customer", customer());
        ArrayNode orders = doc.putArray("orders");
        // Counted order by order (the text of an array is its elements, and a comma between two): linear, not quadratic.
        int length = bytes(doc);
        while (length < minBytes) {
            ObjectNode order = order();
            length += bytes(order) + (orders.isEmpty() ? 0 : 1);
            orders.add(order);
        }
        return text(doc);
    }

    private ObjectNode customer() {
        String first = pick(FIRST);
        String last = pick(LAST);
        int city = random.nextInt(CITIES.length);
        ObjectNode c = JSON.createObjectNode();
        c.put("id", "cus_" + hex(12));
        c.put("name", first + " " + last);
        c.put("email", ascii(first) + "." + ascii(last) + random.nextInt(100) + "@example.org");
        c.put("tier", pick(TIERS));
        c.put("since", Instant.ofEpochSecond(EPOCH - random.nextInt(5 * 365 * 86_400)).toString());
        ObjectNode address = c.putObject("address");
        address.put("street", (1 + random.nextInt(200)) + " " + capitalised(pick(WORDS)) + " Street");
        address.put("city", CITIES[city]);
        address.put("postcode", String.format("%05d", random.nextInt(100_000)));
        address.put("country", COUNTRIES[city]);
        ObjectNode preferences = c.putObject("preferences");
        preferences.put("newsletter", random.nextBoolean());
        preferences.put("language", pick(LANGUAGES));
        return c;
    }

    private ObjectNode order() {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", "ord_" + hex(16));
        o.put("placedAt", Instant.ofEpochSecond(EPOCH + random.nextInt(300 * 86_400)).toString());
        o.put("status", pick(STATUSES));
        o.put("currency", pick(CURRENCIES));
        ArrayNode items = o.putArray("items");
        long total = 0;
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            ObjectNode item = items.addObject();
            int quantity = 1 + random.nextInt(4);
            long cents = 99 + random.nextInt(20_000);
            total += quantity * cents;
            item.put("sku", "SKU-" + (10_000 + random.nextInt(90_000)));
            item.put("title", capitalised(words(2 + random.nextInt(3))));
            item.put("quantity", quantity);
            item.put("unitPrice", BigDecimal.valueOf(cents, 2));
            if (random.nextInt(3) == 0) {
                ArrayNode tags = item.putArray("tags");
                for (int t = 1 + random.nextInt(2); t > 0; t--) {
                    tags.add(pick(WORDS));
                }
            }
        }
        o.put("total", BigDecimal.valueOf(total, 2));
        ObjectNode shipping = o.putObject("shipping");
        shipping.put("carrier", pick(CARRIERS));
        shipping.put("tracking", hex(10).toUpperCase());
        shipping.put("days", 1 + random.nextInt(6));
        if (random.nextInt(4) == 0) {
            o.put("note", words(4 + random.nextInt(10)));
        }
        return o;
    }

    private String words(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(' ');
            }
            s.append(pick(WORDS));
        }
        return s.toString();
    }

    private String hex(int digits) {
        StringBuilder s = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            s.append(Character.forDigit(random.nextInt(16), 16));
        }
        return s.toString();
    }

    private String pick(String[] from) {
        return from[random.nextInt(from.length)];
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** An e-mail address's letters: lower case, accents dropped. */
    private static String ascii(String s) {
        return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD).replaceAll("[^A-Za-z-]", "").toLowerCase();
    }

    private static int bytes(Object node) {
        return text(node).getBytes(StandardCharsets.UTF_8).length;
    }

    private static String text(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}