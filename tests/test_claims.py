"""Claims carry their parties, stance, hedges and attribution."""

from monitor import claims


def one(text: str) -> claims.Claim:
    found = claims.extract(text, published="2025-01-15T00:00:00+00:00")
    assert len(found) == 1, [c.text for c in found]
    return found[0]


def test_capitals_and_demonyms_become_their_country():
    c = one("Seoul and Pyongyang traded accusations over the Kremlin's war.")
    assert set(c.entities) == {"South Korea", "North Korea", "Russia"}


def test_a_demonym_shared_by_several_countries_means_the_most_populous():
    c = one("French troops trained with American and Indian units near Warsaw.")
    assert set(c.entities) == {"United States", "India", "France", "Poland"}


def test_a_countrys_people_are_not_its_government():
    assert one("South Koreans oppose sending weapons to Ukraine.").entities[0] == "South Korea people"


def test_not_ruled_out_is_a_possibility_not_a_denial():
    assert one("The government has not ruled out sending weapons to Ukraine.").stance == "possible"


def test_declined_to_is_a_denial():
    assert one("Seoul has declined to provide weapons to Ukraine.").stance == "denied"


def test_may_is_a_hedge():
    c = one("South Korea may supply weapons to Ukraine.")
    assert c.stance == "possible" and "supply" in c.hedge_heads


def test_did_not_comment_is_no_denial():
    assert one("Kyiv did not comment on the strikes in the Kursk region.").stance == "asserted"


def test_attribution_is_kept_apart_from_the_fact():
    c = one("North Korea has troops in Russia, the Pentagon said on Tuesday.")
    assert c.speaker == "the Pentagon" and c.speech_verb == "said"
    assert "@united_states" not in c.keys


def test_contrasting_clauses_are_separate_claims():
    found = claims.extract("Seoul has declined to provide weapons, even as North Korean forces fight in Russia.")
    assert [c.stance for c in found] == ["denied", "asserted"]


def test_relative_dates_resolve_against_publication():
    assert one("Russia launched 400 drones at Ukraine on Monday.").event_date == "2025-01-13"


def test_headlines_and_captions_are_not_claims():
    assert claims.extract("Russia fires record 479 drones at Ukraine in overnight barrage") == []


def test_a_labelled_caption_is_not_a_claim_even_with_full_stops():
    text = ("Top Photo: Biden (left) meets with Russian President Putin (right). Ukrainian President "
            "Zelenskyy sits in between.\nSoldiers stand guard as Kim Jong Un (centre) inspects a new tank "
            "at a factory.\nRussia launched 188 drones at Ukraine overnight, the air force said.")
    found = [c.text for c in claims.extract(text)]
    assert found == ["Russia launched 188 drones at Ukraine overnight, the air force said."]


def test_what_a_speaker_goes_on_to_say_stays_in_the_claim():
    c = one("During a meeting in October, Ukraine's president said he planned to present a request to Seoul for arms.")
    assert "request" in c.keys and "South Korea" in c.entities


def test_a_trailing_attribution_is_left_out():
    c = one("North Korea has troops in Russia, the ministry said on Tuesday in a statement.")
    assert "ministry" not in c.keys and c.speech_verb == "said"


def test_an_aside_or_a_list_is_not_a_claim_of_its_own():
    found = claims.extract("Ukraine's defence minister met South Korean officials, including President "
                           "Yoon Suk Yeol. But Yoon — who is not seeking reelection — said Seoul could "
                           "send weapons to Kyiv.")
    assert [c.text for c in found] == [
        "Ukraine's defence minister met South Korean officials, including President Yoon Suk Yeol.",
        "Yoon said Seoul could send weapons to Kyiv."]


def test_warning_against_doing_it_is_not_reporting_it_done():
    c = one("Russia warned South Korea on Thursday against supplying weapons to Ukraine.")
    assert c.stance == "possible"


def test_a_hedge_on_an_amount_widens_the_figure_and_leaves_the_act_reported():
    c = one("Russia has recruited potentially hundreds of Yemeni men to fight in Ukraine.")
    assert c.stance == "asserted"
    assert c.figures[0].raw == "hundreds"


def test_a_warning_of_what_would_follow_is_a_what_if():
    c = one("Russia repeated its warning to South Korea on Thursday that sending weapons to Ukraine would "
            "ruin relations between the two countries.")
    assert c.stance == "possible"


def test_not_ruled_it_out_is_a_possibility_too():
    assert one("Seoul has declined to supply weapons to Ukraine but has not ruled it out.").stance == "possible"


def test_the_claim_a_fact_check_quotes_is_not_a_claim():
    found = claims.extract("CLAIM: A video shows Seoul has secretly started arming Ukraine.\n\n"
                           "VERDICT: False. The howitzers in the video are Polish ones sent to Ukraine.")
    assert [c.text for c in found] == ["The howitzers in the video are Polish ones sent to Ukraine."]


def test_a_wire_dateline_is_not_part_of_the_claim():
    c = one("MOSCOW, June 17 (Reuters) - North Korea will send another 6,000 troops to Ukraine's neighbour.")
    assert c.text.startswith("North Korea will send")
    assert c.entities[0] == "North Korea"


def test_a_typed_double_dash_sets_off_an_aside_like_a_dash():
    found = claims.extract("North Korea will send another 6,000 troops to Russia -- 1,000 sappers and "
                           "5,000 builders -- to help rebuild the Kursk region, officials said.")
    assert found[0].text == "North Korea will send another 6,000 troops to Russia."


def test_the_country_attacked_with_a_count_does_not_own_it():
    fig = one("Russia attacked Ukraine overnight with 810 drones and 13 missiles.").figures[0]
    assert fig.owner == "Russia"


def test_the_agent_of_a_passive_owns_the_count_even_before_with():
    fig = one("Kyiv was attacked by Russia overnight with 479 drones, the air force said.").figures[0]
    assert fig.owner == "Russia"


def test_an_acronym_before_a_dash_is_no_dateline():
    assert one("NATO - the alliance of 32 countries said it would send more air defence.").text.startswith("NATO")


def test_without_doing_something_is_a_manner_not_a_denial():
    c = one("South Korea could help arm Ukraine without sending weapons there directly, analysts say.")
    assert c.stance == "possible"
    assert one("The talks ended without an agreement on weapons for Ukraine.").stance == "denied"


def test_not_the_first_time_says_it_happened_before():
    assert one("It is not the first time Pyongyang has sent its forces abroad, officials said.").stance == "asserted"


def test_remaining_against_something_is_refusing_it():
    assert one("South Koreans remain firmly against sending weapons to Ukraine.").stance == "denied"


def test_no_longer_whether_settles_the_question():
    c = one("The question is no longer whether North Korean soldiers are in Russia, analysts say.")
    assert not c.negated


def test_a_colon_before_a_breakdown_of_figures_ends_the_clause():
    found = claims.extract("Kim agreed to send a further 6,000 North Korean soldiers to Russia: 1,000 sappers "
                           "to clear mines and 5,000 builders to rebuild the region.")
    assert found[0].text.startswith("Kim agreed") and "sappers" not in found[0].text


def test_a_comment_on_the_news_after_a_comma_is_a_clause_of_its_own():
    found = claims.extract("The United States confirmed that Russia had delivered air-defence systems to North Korea, "
                           "a step Washington had declined to verify in November.")
    assert [c.stance for c in found] == ["asserted", "possible"]


def test_a_first_admission_stays_with_the_fact_it_admits():
    found = claims.extract("North Korea said its soldiers had fought in Kursk, the first time Pyongyang has "
                           "publicly admitted sending its army into the war.")
    assert len(found) == 1


def test_the_largest_number_in_a_single_night_told_next_door_makes_the_count_a_record():
    first = claims.extract("Russia attacked Ukraine with 810 drones overnight. It was the largest number of drones "
                           "Russia has launched in a single night.")[0]
    assert first.figures[0].superlative and "record" in first.keys


def test_what_a_party_cannot_confirm_is_only_possible():
    assert one("The United States cannot confirm reports that Russia has started supplying North Korea "
               "with air defence systems.").stance == "possible"


def test_an_aside_that_only_points_back_is_not_a_claim():
    found = claims.extract("Seoul is constrained from providing weapons directly to Ukraine — as it has threatened "
                           "to do since the Putin-Kim summit in June — but could provide them indirectly.")
    assert not any("threatened" in c.text for c in found)


def test_names_joined_by_a_hyphen_are_both_keys():
    assert {"yoon", "trump"} <= set(one("The planned Yoon-Trump meeting was shelved after the vote.").keys)


def test_a_doubt_cast_on_the_news_after_a_comma_stays_with_it():
    found = claims.extract("South Korea has begun shipping artillery shells to Ukraine, a step officials could "
                           "not verify.")
    assert [c.stance for c in found] == ["possible"]


def test_a_colon_before_a_bare_figure_does_not_cut_it_off():
    found = claims.extract("The spy agency gave a new count of the North Korean troops sent to Russia: 15,000.")
    assert found[0].figures and found[0].figures[0].value == 15_000


def test_as_it_turned_out_opens_a_clause_of_its_own():
    found = claims.extract("Seoul kept quiet for months; as it turned out, South Korea had been shipping "
                           "artillery shells to Ukraine since March.")
    assert any("shipping" in c.text for c in found)


def test_only_a_proposition_left_unconfirmed_makes_a_claim_possible():
    assert one("Seoul has not confirmed reports that it shipped shells to Ukraine.").stance == "possible"
    assert one("South Korea has shipped shells to Ukraine, and officials declined to confirm the number "
               "of shells.").stance == "asserted"


def test_a_hyphenated_compound_also_gives_its_head_word():
    keys = one("Russia has delivered air-defence equipment to North Korea.").keys
    assert {"air-defense", "defense"} <= set(keys)


def test_the_highest_estimate_so_far_is_not_a_record_count():
    found = one("North Korea has about 18,000 soldiers in Russia, the spy agency said, its highest estimate "
                "since the deployment began.")
    assert not found.figures[0].superlative


def test_a_participle_that_lists_what_an_event_involved_stays_in_its_clause():
    found = claims.extract("The building was hit during Russia's heaviest air raid of the war, involving 810 "
                           "attack and decoy drones.")
    assert len(found) == 1 and found[0].figures[0].value == 810
