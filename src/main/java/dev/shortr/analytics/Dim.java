package dev.shortr.analytics;

/** A dimension clicks are counted by, per link and UTC day. The code is what the store keeps. */
public enum Dim {
    REFERRER(1, "referrers"),
    COUNTRY(2, "countries"),
    REGION(3, "regions"),
    CITY(4, "cities"),
    BROWSER(5, "browsers"),
    OS(6, "os"),
    DEVICE(7, "devices"),
    BOT(8, "bots");

    public final int code;
    /** The name of its top-N list in the stats API. */
    public final String plural;

    Dim(int code, String plural) {
        this.code = code;
        this.plural = plural;
    }

    public static Dim ofCode(int code) {
        for (Dim d : values()) {
            if (d.code == code) {
                return d;
            }
        }
        throw new IllegalArgumentException("no dimension with code " + code);
    }
}
