using System.Collections.Frozen;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Scheduling.Analysis;

/// <summary>
/// English and French words of hospital care with their weight (folded; a trailing <c>*</c> is a prefix),
/// the words that negate, intensify or contrast, and a few phrases read as one.
/// </summary>
internal static class SentimentLexicon
{
    /// <summary>A word's weight, and its weight when negated (null: the opposite, softened).</summary>
    public readonly record struct Entry(double Weight, double? Negated = null, bool VerbBeforeNegation = false)
    {
        public double WhenNegated => Negated ?? (Weight > 0 ? -0.9 * Weight : -0.8 * Weight);
    }

    private static readonly (double Weight, string Words)[] Weighted =
    [
        (2, "excellent* parfait* formidable* merveill* magnifique* genial* geniale extraordinaire* impeccable* nickel superbe* exceptionnel* " +
            "adorable* bravo felicitation* benisse benir recommande recommend* " +
            "wonderful amazing perfect* outstanding superb brilliant spotless fantastic marvellous marvelous"),
        (1.5, "super top bravo gentil* aimable* chaleureu* accueillant* souriant* serviable* devoue* devouement competen* reconnaissant* " +
            "satisfai* content contente contents heureu* ravi ravie ravis rassur* soulag* gueri* sauve* " +
            "kind kindness lovely caring friendly welcoming helpful competent grateful thankful satisfied happy pleased delighted excellent " +
            "compassionate devoted hardworking humane gentle warm warmly"),
        (1, "bon bonne bons bonnes bien propre* proprete efficace* rapide* rapidement vite poli polie polis polies courtois* respectueu* " +
            "attenti* attentionne* disponible* professionnel* serieu* humain* humanite doux douce patiente agreable* confortable* " +
            "calme* organise* ponctuel* abordable* raisonnable* gratuit* clair clairs claire claires clairement bienveillan* merci mrc mci " +
            "travailleur* courageu* reactif* encourag* progres reussi* soigne* recu bienvenu* mieux meilleur* moderne* neuf neufs neuve neuves spacieu* " +
            "equipe equipee equipes equipees disponibles pratique* beau belle beaux belles fort forts " +
            "good great nice fine clean cleaner tidy fast quick quickly efficient polite respectful attentive professional comfortable " +
            "affordable cheap cheaper free clear clearly thanks thank thx tanks appreciate* well better best modern new spacious convenient " +
            "reassuring reassured improvement improved cured healed saved quiet patient useful supported worth thorough available cleaned mopped washed nettoy*"),
        (0.5, "explique* expliqu* ecoute* court courte courts courtes accompagn* oriente* informe* rappel* " +
            "explained explains listened listens informed short"),
        (-0.5, "attente attendre attendu attendus attendue attends attend douleur* souffr* fatigu* attendons " +
            "wait waiting waited queue queued pain tired suffer* longtemps heures hours pay paying payer paie paye paient devez must"),
        (-1, "mauvais* mal lent lente lents lentes lenteur* long longue longues longs retard* oubli* perdu* absent* absence " +
            "cher chere chers cheres couteu* eleve* exagere* sale sales odeur pue puent puant* moustique* cafard* bruit* chaud " +
            "insalubre* panne cass* vieux vieille vieilles vetuste* delabre* ruine* boue deborde* rupture* perime* expire* faux fausse " +
            "inutile* illisible* erreur* trompe* bacle* expedie* presse distrait* froid paresseu* fache* enerve* inquiet* peur " +
            "decu* decevant* deception mecontent* triste* regrette* probleme* difficile* complique* refus* renvoy* chass* niez nie nient nies " +
            "negligen* desordre* debordee* debordes injuste* plainte* crie* crier criaient hurl* mechant* desagreable* grossier* " +
            "kongossa tache* tachee* dechire* bonde* petit " +
            "bad poor slow late lost forgot* forgotten absent expensive costly overpriced dirty smell* smelly stink* noisy hot broken old " +
            "outdated rusty muddy expired fake wrong useless unreadable mistake* rushed hurry distracted cold lazy angry upset worried scared " +
            "disappoint* unhappy sad regret* problem* difficult refused sent chased ignor* neglect* unfair complain* shout* yell* mean unpleasant " +
            "stained torn crowded overcrowded lack lacking shortage cockroach* mosquito* overflow* fail* poorly sleeping exaggerated rush rushing impossible*"),
        (-1.5, "impoli* arrogan* mepris* agressi* brutal* insult* humili* incompeten* crasseu* degoutant* lamentable* malpropre " +
            "negligence interminable* endless inadmissible* inacceptable* honte* honteu* scandal* exorbitant* nul nulle nuls nulles " +
            "rude arrogant* disrespect* aggressive brutal insult* humiliat* incompetent filthy disgusting unacceptable shame* shameful " +
            "outrageous exorbitant useless"),
        (-2, "horrible* affreu* catastroph* desastre* pire* terrible* inhumain* " +
            "horrible awful terrible worst disaster* catastroph* inhuman appalling dreadful bribe* drunk slapped frapp* gifl* tchoko gombo saoul mort morte died dead death decede*"),
    ];

    /// <summary>Verbs that say what should have been done; said with a negation ("explique rien", "marche pas") they weigh against.</summary>
    private const string NegatableVerbs =
        "marche marchent fonctionne fonctionnent respecte respectent respecter respect respected explique expliquent expliquer expliquait " +
        "ecoute ecoutent ecouter repond repondent repondu aide aident aider soigne soignent occupe occupent informe informent dit disent " +
        "va vont passe decroche reviendrai reviendrais revenir " +
        "work works worked working explain explained listen listened answer answered help helped care cared treat treated come told " +
        "respects respect tell goes";

    private static readonly FrozenDictionary<string, Entry> Exact;
    private static readonly (string Prefix, Entry Entry)[] Prefixes;
    private static readonly FrozenSet<string> Verbs;

    /// <summary>Negate the next words of their clause.</summary>
    public static readonly FrozenSet<string> Negators = Set(
        "pas", "pa", "jamais", "jms", "sans", "aucun", "aucune", "ni", "rien", "zero", "plus",
        "not", "no", "never", "without", "none", "neither", "nor", "nothing", "cannot", "dont", "didnt", "doesnt", "isnt", "wasnt",
        "werent", "arent", "cant", "wont", "couldnt", "havent", "hasnt", "hardly");

    /// <summary>French "ne"/"n'": the negated word may stand before "pas" ("ne respectent pas").</summary>
    public static readonly FrozenSet<string> FrenchNe = Set("ne", "n");

    /// <summary>Say something is missing: negative by themselves, or they negate the good word after them ("manque de respect").</summary>
    public static readonly FrozenSet<string> Lacks = Set("manque", "manquent", "manquait", "manquer", "faute", "nobody", "lack", "lacks", "lacking", "shortage");

    /// <summary>Words after which something is missing, said before it ("personne ne", "no one").</summary>
    public static readonly FrozenSet<string> Nobody = Set("personne");

    public static readonly FrozenSet<string> Intensifiers = Set(
        "tres", "tro", "vraiment", "vrmt", "vraimen", "tellement", "extremement", "hyper", "totalement", "completement", "absolument",
        "franchement", "beaucoup", "bcp", "si", "aussi", "very", "really", "so", "extremely", "totally", "completely", "absolutely", "truly",
        "highly", "such", "way", "much", "most");

    /// <summary>"Too"/"trop": intensify a judgement, or make one of a plain word ("trop petit", "too small").</summary>
    public static readonly FrozenSet<string> Excess = Set("trop", "too", "tro");

    /// <summary>The clause after these weighs more than all before it.</summary>
    public static readonly FrozenSet<string> Contrasts = Set("mais", "but", "however", "cependant", "pourtant", "though", "yet", "contre", "sauf");

    /// <summary>Read as one word (folded, tokens joined by spaces): weight, or null to let it pass without weight.</summary>
    public static readonly FrozenDictionary<string, double?> Phrases = new Dictionary<string, double?>
    {
        ["pas mal"] = 1, ["not bad"] = 1, ["pas terrible"] = -1, ["pas top"] = -1, ["pas genial"] = -1, ["pas fameux"] = -1,
        ["salle d attente"] = null, ["salle attente"] = null, ["waiting room"] = null, ["waiting area"] = null,
        ["rien a signaler"] = null, ["ras"] = null, ["rien a dire"] = null, ["nothing to report"] = null, ["no comment"] = null, ["pas de commentaire"] = null,
        ["sans plus"] = null, ["ca peut aller"] = null, ["peut aller"] = null, ["comme d habitude"] = null, ["sans rendez vous"] = null,
        ["yeux de la tete"] = -1.5, ["les yeux"] = null, ["vite fait"] = -1, ["comme un chien"] = -2, ["like a dog"] = -2, ["like thieves"] = -1.5,
        ["comme des voleurs"] = -1.5, ["pour rien"] = -1, ["for nothing"] = -1, ["s en fout"] = -2, ["s en foutent"] = -2, ["don t care"] = -1.5,
        ["forever"] = -1, ["une fortune"] = -1.5, ["a fortune"] = -1.5, ["vaut la peine"] = 1.5, ["worth it"] = 1.5, ["fait plaisir"] = 1.5,
        ["sent bon"] = 1.5, ["smells nice"] = 1.5, ["par terre"] = -1, ["on the floor"] = -1, ["de son mieux"] = 1, ["their best"] = 1,
        ["parle mal"] = -1.5, ["talks to us badly"] = -1.5, ["badly"] = -1.5, ["mal recu"] = -1.5, ["mal accueilli"] = -1.5, ["mal accueillis"] = -1.5,
        ["en plus"] = null, ["de plus"] = null, ["plus vite"] = null, ["moins cher"] = 1, ["moins chers"] = 1, ["tout de suite"] = 1,
        ["straight away"] = 1, ["right away"] = 1, ["on time"] = 1, ["a temps"] = 1, ["a l heure"] = 1, ["le jour meme"] = 1, ["same day"] = 1,
        ["keep it up"] = 1.5, ["continuez"] = 1, ["well done"] = 1.5, ["bon travail"] = 1.5, ["good work"] = 1.5, ["ne marche pas"] = null,
        ["pris en charge"] = 0.5, ["prise en charge"] = 0.5, ["plus jamais"] = -1.5, ["never again"] = -1.5, ["no longer"] = null,
        ["bien que"] = null, ["even though"] = null, ["s occupe de nous"] = 0.5,
        ["good evening"] = null, ["good morning"] = null, ["good afternoon"] = null, ["god bless"] = 2, ["nothing special"] = null,
        ["rien de special"] = null, ["took his time"] = 1.5, ["took her time"] = 1.5, ["took time"] = 1.5, ["pris le temps"] = 1.5,
        ["pris son temps"] = 1.5, ["faute de soins"] = -2, ["il faut"] = -0.5, ["had to"] = -0.5, ["have to"] = -0.5,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Phrases that look negated but praise or blame more strongly ("jamais vu un personnel aussi dévoué").</summary>
    public static readonly FrozenSet<string> NeverSeen = Set("jamais vu", "jamais ete", "never seen", "never met", "never been", "jamais connu");

    public static readonly FrozenDictionary<string, double> Emoji = new Dictionary<string, double>
    {
        ["😀"] = 1.5, ["😃"] = 1.5, ["😄"] = 1.5, ["😁"] = 1.5, ["😊"] = 1.5, ["🙂"] = 1, ["😍"] = 2, ["🥰"] = 2, ["😘"] = 1.5, ["👍"] = 1.5,
        ["👏"] = 1.5, ["🙏"] = 1, ["❤"] = 1.5, ["💯"] = 1.5, ["🌟"] = 1.5, ["⭐"] = 1, ["✨"] = 1, ["💪"] = 1, ["🤩"] = 2, ["☺"] = 1.5, ["😇"] = 1.5,
        ["😡"] = -2, ["😠"] = -2, ["🤬"] = -2, ["😞"] = -1.5, ["🙁"] = -1, ["☹"] = -1.5, ["😢"] = -1.5, ["😭"] = -1.5, ["😤"] = -1.5, ["👎"] = -1.5,
        ["💔"] = -1.5, ["😩"] = -1.5, ["😫"] = -1.5, ["😒"] = -1, ["🤮"] = -2, ["🤢"] = -2, ["😔"] = -1, ["😟"] = -1, ["😣"] = -1,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    static SentimentLexicon()
    {
        var exact = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var prefixes = new Dictionary<string, Entry>(StringComparer.Ordinal);
        Verbs = Set(NegatableVerbs.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        foreach (var (weight, words) in Weighted)
        {
            foreach (var word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Folding.Fold))
            {
                var entry = new Entry(weight);
                if (word.EndsWith('*'))
                {
                    prefixes.TryAdd(word[..^1], entry);
                }
                else
                {
                    exact.TryAdd(word, entry);
                }
            }
        }
        foreach (var verb in Verbs)
        {
            // A verb keeps its own weight when not negated; negated, it counts against.
            var weight = exact.TryGetValue(verb, out var known) ? known.Weight : Lookup(verb, prefixes)?.Weight ?? 0;
            exact[verb] = new Entry(weight, Negated: -1, VerbBeforeNegation: true);
        }
        Exact = exact.ToFrozenDictionary(StringComparer.Ordinal);
        Prefixes = [.. prefixes.OrderByDescending(p => p.Key.Length).Select(p => (p.Key, p.Value))];
    }

    /// <summary>The entry for a word, or null when it carries no judgement.</summary>
    public static Entry? Find(string word)
    {
        if (Exact.TryGetValue(word, out var entry))
        {
            return entry;
        }
        foreach (var (prefix, value) in Prefixes)
        {
            if (word.Length >= prefix.Length && word.StartsWith(prefix, StringComparison.Ordinal))
            {
                return value;
            }
        }
        return Emoji.TryGetValue(word, out var emoji) ? new Entry(emoji) : null;
    }

    private static Entry? Lookup(string word, Dictionary<string, Entry> prefixes) =>
        prefixes.Where(p => word.StartsWith(p.Key, StringComparison.Ordinal)).OrderByDescending(p => p.Key.Length).Select(p => (Entry?)p.Value).FirstOrDefault();

    private static FrozenSet<string> Set(params string[] words) => words.Select(Folding.Fold).ToFrozenSet(StringComparer.Ordinal);
}
