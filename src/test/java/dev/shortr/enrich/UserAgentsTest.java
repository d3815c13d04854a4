package dev.shortr.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.shortr.enrich.UserAgents.Agent;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UserAgentsTest {
    /** Loading uap-core's regexes takes a while: one parser for the class. */
    private static final UserAgents AGENTS = new UserAgents(1_000);

    @ParameterizedTest(name = "{2}: {0}")
    @CsvSource(delimiter = '|', value = {
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1 | Mobile Safari | mobile  | iOS",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36             | Chrome Mobile | mobile  | Android",
        "Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0                                                                | Firefox Mobile | mobile | Android",
        "Mozilla/5.0 (Linux; Android 9; CUBOT X19) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36                  | Chrome        | mobile  | Android",
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1      | Mobile Safari | tablet  | iOS",
        "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36                       | Chrome        | tablet  | Android",
        "Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/108.3.1 like Chrome/108.0 Safari/537.36          | Amazon Silk   | tablet  | Android",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0       | Edge          | desktop | Windows",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15              | Safari        | desktop | Mac OS X",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0                                                             | Firefox       | desktop | Linux",
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0                                                     | Firefox       | desktop | Ubuntu",
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36                      | Chrome        | desktop | Chrome OS",
        "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/538.1 (KHTML, like Gecko) Version/6.0 TV Safari/538.1                          | Safari        | other   | Tizen",
        "curl/8.5.0                                                                                                                            | curl          | other   | Other",
        "Wget/1.21.4                                                                                                                           | Wget          | other   | Other",
        "python-requests/2.31.0                                                                                                                | Python Requests | other | Other",
    })
    void readsPeoplesBrowsersAndDevices(String ua, String browser, String device, String os) {
        Agent agent = AGENTS.parse(ua);
        assertThat(agent).isEqualTo(new Agent(browser, os, device, false, null));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)                                   | crawler",
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) | crawler",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)                                    | crawler",
        "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)                        | crawler",
        "ia_archiver (+http://www.alexa.com/site/help/webmasters; crawler@alexa.com)                                | crawler",
        "SomeNewCrawler/0.1                                                                                         | crawler",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)                                                 | preview",
        "Slack-ImgProxy (+https://api.slack.com/robots)                                                             | preview",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)                                  | preview",
        "facebookexternalhit/1.1 Facebot Twitterbot/1.0                                                             | preview",
        "Twitterbot/1.0                                                                                             | preview",
        "WhatsApp/2.23.20.0 A                                                                                       | preview",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)                                          | preview",
        "TelegramBot (like TwitterBot)                                                                              | preview",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)                      | preview",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot) | preview",
        "Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)                             | preview",
        "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)                                   | preview",
        "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5                                            | preview",
        "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)                                                | preview",
        "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)                                           | preview",
        "Iframely/1.3.1 (+https://iframely.com/docs/about) Atlas                                                    | preview",
        "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)                                     | monitor",
        "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)                                                      | monitor",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; StatusCake) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36 | monitor",
        "Mozilla/5.0 (compatible; Site24x7)                                                                         | monitor",
        "Better Uptime Bot Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36                              | monitor",
        "Uptime-Kuma/1.23.11                                                                                        | monitor",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36 DatadogSynthetics | monitor",
        "NewRelicPinger/1.0 (1234567)                                                                               | monitor",
        "Checkly/1.0 (https://www.checklyhq.com)                                                                    | monitor",
        "GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)                              | monitor",
        "kube-probe/1.29                                                                                            | monitor",
        "ELB-HealthChecker/2.0                                                                                      | monitor",
        "Blackbox Exporter/0.24.0                                                                                   | monitor",
    })
    void namesTheKindOfBot(String ua, String kind) {
        Agent agent = AGENTS.parse(ua);
        assertThat(agent.bot()).isTrue();
        assertThat(agent.botKind()).isEqualTo(kind);
        assertThat(agent.device()).isEqualTo("bot");
    }

    @Test
    void aMissingAgentIsUnknown() {
        assertThat(AGENTS.parse(null)).isSameAs(Agent.UNKNOWN);
        assertThat(AGENTS.parse(" \t")).isSameAs(Agent.UNKNOWN);
        assertThat(Agent.UNKNOWN).isEqualTo(new Agent("Other", "Other", "other", false, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000\u0001((((;;;;", "\uD800\uDFFF\uFFFF", "Mozilla/5.0 (", ")))))", "%s%s%n", "${jndi:ldap://x}"})
    void garbageIsAnOtherDeviceNotAnException(String ua) {
        Agent agent = AGENTS.parse(ua);
        assertThat(agent.bot()).isFalse();
        assertThat(agent.device()).isEqualTo("other");
    }

    @Test
    void aHugeAgentIsCutShortAndStaysQuick() {
        String chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 ";
        long started = System.nanoTime();
        Agent agent = AGENTS.parse(chrome + "(a; ".repeat(25_000));
        AGENTS.parse("Mozilla/5.0 (Linux; Android " + "1;".repeat(50_000));
        AGENTS.parse("\uD83D\uDE00".repeat(50_000));
        assertThat(agent.browser()).isEqualTo("Chrome");
        assertThat(agent.device()).isEqualTo("desktop");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(UserAgents.capped("x".repeat(100_000))).hasSize(1024);
        assertThat(UserAgents.capped("x".repeat(1023) + "\uD83D\uDE00")).hasSize(1023);
    }

    @Test
    void remembersAnswersUpToTheCacheSize() {
        UserAgents agents = new UserAgents(10);
        String ua = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
        assertThat(agents.parse(ua)).isSameAs(agents.parse(new String(ua)));
        assertThat(new UserAgents(0).parse(ua)).isEqualTo(agents.parse(ua));
        assertThatIllegalArgumentException().isThrownBy(() -> new UserAgents(-1));
    }

    @Test
    void anAgentCannotContradictItself() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Agent("Chrome", "Windows", "desktop", true, null));
        assertThatIllegalArgumentException().isThrownBy(() -> new Agent("Chrome", "Windows", "desktop", false, "crawler"));
        assertThatIllegalArgumentException().isThrownBy(() -> new Agent("Googlebot", "Other", "desktop", true, "crawler"));
        assertThatIllegalArgumentException().isThrownBy(() -> new Agent("Chrome", "Windows", "laptop", false, null));
        assertThatIllegalArgumentException().isThrownBy(() -> new Agent("Googlebot", "Other", "bot", true, "search"));
    }
}
