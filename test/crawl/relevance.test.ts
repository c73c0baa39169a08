import t from 'tap';
import {
  buildProfile, CROSS_LANGUAGE_FACTOR, linkRelevance, MAX_PAGE_TERMS, MAX_PROFILE_TERMS, mergeProfile, NEUTRAL, pageTerms,
  relevance, RELEVANCE_LANGUAGES, topTerms, type NicheProfile, type PageText, type RelevanceLanguage,
} from '../../services/crawl/relevance.js';

// A home-gardening niche in four languages: three seed pages each (pruning roses, composting, vegetable
// beds), three on-topic pages (tomatoes, mulching, garden tools) and three off-topic ones (election news,
// a software release note, a phone shop listing). The pages carry no html lang unless a test says so:
// their language is detected from their words.

const page = (title: string | null, headings: string[], text: string, declaredLang: string | null = null): PageText => ({ title, headings, text, declaredLang });

interface LanguageFixtures { seeds: PageText[]; on: Record<string, PageText>; off: Record<string, PageText> }

const EN: LanguageFixtures = {
  seeds: [
    page('How to Prune Roses: A Beginner\'s Guide', ['When to prune roses', 'Tools for pruning', 'Pruning step by step'], `
      Pruning roses keeps the plants healthy and full of flowers. Most roses are pruned in late winter or early spring,
      when the buds begin to swell but before new leaves open. In colder gardens wait until the last hard frost has passed.
      You need sharp bypass secateurs, a pruning saw for old canes and a pair of thick gloves against the thorns.
      Start by removing dead, damaged and diseased wood, cutting back to healthy white pith. Then take out canes that cross
      or rub each other, and open the centre of the bush so that air and light reach every stem. Cut each remaining cane
      about a quarter inch above an outward-facing bud, at a slight angle so that rain runs off. Hybrid tea roses can be cut
      back hard, to three or five strong canes; shrub roses and climbing roses need only a light trim. After pruning,
      clear away fallen leaves to stop black spot, feed the roses with a balanced rose fertiliser and spread a layer of
      compost or mulch around the base. Deadhead faded blooms through summer to encourage more flowers.`),
    page('Composting at Home: Turn Kitchen Scraps into Garden Gold', ['What to compost', 'Building a compost heap', 'Using finished compost'], `
      A compost heap turns kitchen scraps and garden waste into rich, crumbly soil for your beds. Choose a shady corner of
      the garden and start with a compost bin or a simple pile on bare soil, so that worms can move in. Mix green material
      such as vegetable peelings, coffee grounds, fresh grass clippings and plant trimmings with brown material such as
      dry leaves, straw, shredded cardboard and twigs. Aim for roughly equal volumes of greens and browns. Keep the heap as
      moist as a wrung-out sponge and turn it with a garden fork every few weeks to let air in; a heap that smells bad is
      too wet or has too many greens. Avoid meat, dairy, cooked food and diseased plants, which attract pests and spread
      disease. In warm weather the compost is ready in three to six months, when it is dark, smells of earth and the
      original scraps can no longer be seen. Dig finished compost into vegetable beds, spread it as a mulch around shrubs
      and roses, or sieve it for seed sowing and potting mixes.`),
    page('Building Raised Vegetable Beds', ['Choosing the spot', 'Filling the bed', 'What to plant first'], `
      Raised beds make vegetable gardening easier: the soil warms up early in spring, drains well and never gets
      trodden down. Build the frame from untreated timber boards about thirty centimetres high and no wider than
      one metre twenty, so that you can reach the middle from both sides without stepping on the soil. Place the bed
      in full sun, at least six hours a day, close to a water tap. Line the bottom with cardboard to smother weeds,
      then fill it with a mix of topsoil and well-rotted compost or manure. Sow quick crops such as radishes, lettuce,
      spinach and peas in early spring, and plant tomatoes, courgettes, beans and peppers once the frosts are over.
      Rotate the crops every year so that pests and soil diseases do not build up. Water the vegetables at the base
      in the morning, keep the weeds down with a hoe and add a fresh layer of compost to the beds every autumn.`),
  ],
  on: {
    tomatoes: page('Growing Tomatoes in the Garden', ['Sowing tomato seeds', 'Planting out', 'Watering and feeding'], `
      Tomatoes are the most popular crop in home vegetable gardens. Sow the seeds indoors six to eight weeks before the
      last frost, in small pots of seed compost on a warm windowsill. When the seedlings have two true leaves, pot them on
      into larger pots. Plant the young tomato plants out in late spring, once the nights stay warm, in a sunny bed
      enriched with compost. Set them deep, up to the first leaves, because tomatoes grow roots along the buried stem.
      Tie cordon varieties to a stake and pinch out the side shoots every week; bush varieties need no pruning. Water
      the plants deeply at the base two or three times a week and never wet the leaves, which spreads blight. Feed with a
      tomato fertiliser rich in potash once the first flowers open, and spread a mulch of straw to keep the soil moist.
      Harvest the fruits when they are fully coloured and slightly soft.`),
    mulching: page('Mulching: Why Your Garden Beds Need It', ['Organic mulches', 'When and how to mulch'], `
      A layer of mulch on bare soil keeps moisture in, smothers weeds and feeds the soil as it breaks down. Organic
      mulches such as garden compost, leaf mould, bark chips, straw and grass clippings are the best choice for vegetable
      beds, borders and around roses and shrubs. Spread the mulch five to eight centimetres thick in late spring, when the
      soil is moist and has warmed up, and keep it a few centimetres away from plant stems to prevent rot. Straw suits
      strawberries and tomatoes, bark chips suit paths and shrub borders, and compost suits hungry crops. Top up the
      mulch every autumn; worms pull it into the soil and improve its structure. On heavy clay soil, mulching with
      compost every year makes the ground easier to dig.`),
    tools: page('Essential Garden Tools and How to Care for Them', ['The basic kit', 'Cleaning and sharpening'], `
      A few good garden tools do most of the work: a spade for digging beds, a garden fork for turning compost and
      lifting potatoes, a hoe for weeds, a rake for levelling soil, a trowel for planting, secateurs for pruning
      roses and shrubs, and a watering can with a fine rose for seedlings. Choose tools with stainless steel heads and
      ash handles that feel comfortable in your hands. After each use, knock the soil off the blades and wipe them dry
      to stop rust. Sharpen spades, hoes and secateurs with a file or whetstone at the start of each season, oil the
      metal parts and store the tools in a dry shed. Clean pruning blades with alcohol between plants so that you do not
      spread disease from one rose bush to the next.`),
  },
  off: {
    election: page('Election Results: Governing Party Loses Majority', ['Turnout rises', 'Coalition talks ahead'], `
      The governing party lost its parliamentary majority in Sunday's general election, according to official results
      released early on Monday. The opposition alliance won 48 percent of the vote, its best result in two decades, while
      turnout rose to 71 percent. The prime minister conceded defeat in a short speech at party headquarters and said
      coalition talks would begin this week. Analysts pointed to rising prices, housing costs and a row over the health
      budget as the main reasons for the swing. Several ministers lost their seats, including the finance minister.
      Markets reacted calmly, and the currency was little changed against the dollar. The election commission said
      postal votes would be counted by Wednesday and could change the result in three close districts.`),
    release: page('Release Notes: Version 4.2.0', ['New features', 'Bug fixes', 'Breaking changes'], `
      Version 4.2.0 adds support for streaming responses and a new configuration option for connection pooling. The
      command line interface now prints progress for long running migrations and accepts a dry run flag. We fixed a
      memory leak in the HTTP client when requests were cancelled, a crash on startup when the cache directory was not
      writable, and incorrect time zone handling in the scheduler. Performance of the JSON parser improved by about
      fifteen percent. Breaking change: the deprecated legacy authentication module has been removed; use the token
      provider instead. Node.js 18 is no longer supported. To upgrade, update the package, run the migration command
      and restart the server. Thanks to all contributors who reported issues and submitted pull requests.`),
    phones: page('Smartphones – Buy Online | Free Delivery', ['Best sellers', 'Offers'], `
      Galaxy S24 Ultra 256 GB titanium black, 6.8 inch display, 200 MP camera, price 1,199 euros, in stock, delivery in
      two days. iPhone 15 128 GB blue, 6.1 inch Super Retina display, dual camera, price 879 euros, add to cart. Pixel 8
      Pro 128 GB obsidian, 50 MP camera, 5G, price 899 euros, free shipping. Compare models, filter by brand, storage,
      screen size and price. All smartphones come with a two year warranty and 30 day returns. Trade in your old phone
      and save up to 300 euros. Accessories: cases, chargers, screen protectors and wireless earbuds. Pay in monthly
      instalments with zero percent interest. Customer reviews: 4.6 out of 5 stars from 2,340 ratings.`),
  },
};

const DE: LanguageFixtures = {
  seeds: [
    page('Rosen schneiden: So geht es richtig', ['Wann schneidet man Rosen?', 'Das richtige Werkzeug', 'Schritt für Schritt'], `
      Der Rosenschnitt hält die Pflanzen gesund und sorgt für viele Blüten. Die meisten Rosen werden im Frühjahr
      geschnitten, wenn die Forsythien blühen und keine starken Fröste mehr zu erwarten sind. Sie brauchen eine scharfe
      Gartenschere, eine Astsäge für alte Triebe und feste Handschuhe gegen die Dornen. Entfernen Sie zuerst alle toten,
      kranken und erfrorenen Triebe bis ins gesunde Holz. Dann schneiden Sie Triebe heraus, die sich kreuzen oder nach
      innen wachsen, damit Licht und Luft in die Mitte des Strauches gelangen. Setzen Sie jeden Schnitt etwa einen halben
      Zentimeter über einer nach außen zeigenden Knospe, leicht schräg, damit das Regenwasser abläuft. Beetrosen und
      Edelrosen werden kräftig auf drei bis fünf Augen zurückgeschnitten, Strauchrosen und Kletterrosen nur leicht.
      Nach dem Schnitt das Laub entfernen, die Rosen mit Rosendünger versorgen und Kompost um den Wurzelbereich verteilen.
      Verblühte Blüten im Sommer regelmäßig abschneiden, dann blühen die Rosen länger.`),
    page('Kompost anlegen im eigenen Garten', ['Was darf auf den Kompost?', 'Den Komposthaufen aufsetzen', 'Reifen Kompost verwenden'], `
      Ein Komposthaufen verwandelt Küchenabfälle und Gartenabfälle in wertvolle Erde für Ihre Beete. Wählen Sie einen
      halbschattigen Platz im Garten und setzen Sie den Kompost direkt auf offenen Boden, damit Regenwürmer einwandern
      können. Mischen Sie grüne Abfälle wie Gemüsereste, Kaffeesatz, frischen Rasenschnitt und Pflanzenreste mit braunem
      Material wie trockenem Laub, Stroh, zerkleinerter Pappe und Zweigen. Der Kompost sollte feucht sein wie ein
      ausgedrückter Schwamm. Setzen Sie den Haufen alle paar Wochen mit der Grabegabel um, damit Luft hineinkommt; riecht
      er faulig, ist er zu nass. Fleisch, Milchprodukte, gekochte Speisen und kranke Pflanzen gehören nicht auf den
      Kompost. Nach sechs bis zwölf Monaten ist der Kompost reif: dunkel, krümelig und er riecht nach Walderde. Arbeiten
      Sie reifen Kompost in die Gemüsebeete ein, verteilen Sie ihn als Mulch unter Sträuchern und Rosen oder sieben Sie
      ihn für Aussaaterde.`),
    page('Hochbeet für Gemüse selber bauen', ['Der richtige Standort', 'Das Hochbeet befüllen', 'Was pflanze ich zuerst?'], `
      Ein Hochbeet macht den Gemüseanbau leichter: Die Erde erwärmt sich im Frühjahr schneller, das Wasser läuft gut ab
      und man muss sich beim Gärtnern nicht bücken. Bauen Sie den Rahmen aus unbehandelten Lärchenbrettern, etwa achtzig
      Zentimeter hoch und höchstens einen Meter zwanzig breit, damit Sie die Mitte von beiden Seiten erreichen. Stellen
      Sie das Beet an einen sonnigen Platz mit mindestens sechs Stunden Sonne am Tag. Legen Sie unten ein Gitter gegen
      Wühlmäuse aus und füllen Sie das Hochbeet in Schichten: Äste und Zweige, Laub und Rasenschnitt, halbreifer
      Kompost und zuletzt gute Gartenerde mit reifem Kompost. Säen Sie im Frühjahr Radieschen, Salat, Spinat und Erbsen,
      und pflanzen Sie Tomaten, Zucchini, Bohnen und Paprika erst nach den Eisheiligen. Wechseln Sie die Kulturen jedes
      Jahr, damit sich Schädlinge und Krankheiten im Boden nicht anreichern, und gießen Sie das Gemüse morgens.`),
  ],
  on: {
    tomatoes: page('Tomaten anbauen im Garten', ['Tomaten aussäen', 'Auspflanzen', 'Gießen und düngen'], `
      Tomaten sind das beliebteste Gemüse im Hausgarten. Säen Sie die Samen ab Mitte März auf der warmen Fensterbank in
      kleine Töpfe mit Aussaaterde. Sobald die Sämlinge zwei echte Blätter haben, werden sie in größere Töpfe pikiert.
      Nach den Eisheiligen kommen die jungen Tomatenpflanzen ins Beet, an einen sonnigen und regengeschützten Platz mit
      lockerer, kompostreicher Erde. Pflanzen Sie die Tomaten tief, bis zu den ersten Blättern, denn am Stängel bilden
      sich neue Wurzeln. Binden Sie Stabtomaten an einen Stab und geizen Sie die Seitentriebe jede Woche aus. Gießen Sie
      die Pflanzen morgens direkt an der Wurzel und nie über die Blätter, sonst droht die Kraut- und Braunfäule. Düngen
      Sie ab der ersten Blüte mit einem kaliumreichen Tomatendünger und mulchen Sie den Boden mit Stroh oder
      Rasenschnitt. Ernten Sie die Früchte, wenn sie voll ausgefärbt sind.`),
    mulching: page('Mulchen im Garten: Warum sich die Mulchschicht lohnt', ['Welches Material eignet sich?', 'Richtig mulchen'], `
      Eine Mulchschicht auf dem Beet hält die Feuchtigkeit im Boden, unterdrückt Unkraut und ernährt das Bodenleben.
      Als Mulch eignen sich Rasenschnitt, Laub, Stroh, Rindenmulch und halbreifer Kompost. Für Gemüsebeete nehmen Sie am
      besten angetrockneten Rasenschnitt oder Stroh, unter Sträuchern und Rosen Rindenmulch oder Kompost. Verteilen Sie
      den Mulch fünf bis acht Zentimeter dick, wenn der Boden im späten Frühjahr feucht und erwärmt ist. Lassen Sie um die
      Stängel der Pflanzen einen kleinen Abstand, damit nichts fault. Regenwürmer ziehen das Material in die Erde und
      verbessern so die Bodenstruktur. Erneuern Sie die Mulchschicht jeden Herbst; auf schwerem Lehmboden wird die Erde
      dadurch mit den Jahren lockerer und leichter zu bearbeiten.`),
    tools: page('Gartenwerkzeug: Die wichtigsten Geräte und ihre Pflege', ['Die Grundausstattung', 'Reinigen und schärfen'], `
      Für die meisten Arbeiten im Garten reichen wenige gute Werkzeuge: ein Spaten zum Umgraben der Beete, eine
      Grabegabel zum Umsetzen des Komposts, eine Hacke gegen Unkraut, ein Rechen zum Ebnen der Erde, eine Pflanzkelle
      zum Pflanzen, eine Gartenschere für den Rosenschnitt und eine Gießkanne mit feiner Brause für die Sämlinge. Achten
      Sie auf Werkzeuge aus Edelstahl mit Stielen aus Eschenholz, die gut in der Hand liegen. Klopfen Sie nach der Arbeit
      die Erde ab und trocknen Sie die Blätter, damit sie nicht rosten. Schärfen Sie Spaten, Hacke und Gartenschere zu
      Beginn der Saison mit einer Feile, ölen Sie die Metallteile und lagern Sie das Gartenwerkzeug trocken im
      Gartenhaus. Reinigen Sie die Klingen der Schere zwischen kranken Pflanzen mit Alkohol.`),
  },
  off: {
    election: page('Wahlergebnis: Regierungspartei verliert die Mehrheit', ['Höhere Wahlbeteiligung', 'Koalitionsgespräche'], `
      Die Regierungspartei hat bei der Bundestagswahl am Sonntag ihre Mehrheit verloren. Nach dem vorläufigen amtlichen
      Endergebnis kommt das Oppositionsbündnis auf 48 Prozent der Stimmen, das beste Ergebnis seit zwanzig Jahren. Die
      Wahlbeteiligung stieg auf 71 Prozent. Der Bundeskanzler räumte die Niederlage in einer kurzen Rede in der
      Parteizentrale ein und kündigte Koalitionsgespräche für diese Woche an. Als Gründe für den Wechsel nennen
      Wahlforscher die gestiegenen Preise, die hohen Mieten und den Streit um den Gesundheitshaushalt. Mehrere Minister
      verloren ihre Wahlkreise, darunter der Finanzminister. Die Börsen reagierten gelassen. Die Briefwahlstimmen werden
      bis Mittwoch ausgezählt und könnten das Ergebnis in drei knappen Wahlkreisen noch ändern.`),
    release: page('Versionshinweise: Version 4.2.0', ['Neue Funktionen', 'Fehlerbehebungen', 'Inkompatible Änderungen'], `
      Version 4.2.0 unterstützt jetzt gestreamte Antworten und bietet eine neue Konfigurationsoption für das
      Verbindungspooling. Die Kommandozeile zeigt den Fortschritt langer Migrationen an und kennt einen Testlauf-Modus.
      Behoben wurden ein Speicherleck im HTTP-Client bei abgebrochenen Anfragen, ein Absturz beim Start, wenn das
      Cache-Verzeichnis nicht beschreibbar war, und eine fehlerhafte Behandlung von Zeitzonen im Scheduler. Der
      JSON-Parser ist etwa fünfzehn Prozent schneller. Inkompatible Änderung: Das veraltete Authentifizierungsmodul
      wurde entfernt; verwenden Sie stattdessen den Token-Provider. Node.js 18 wird nicht mehr unterstützt. Zum
      Aktualisieren das Paket aktualisieren, den Migrationsbefehl ausführen und den Server neu starten.`),
    phones: page('Smartphones online kaufen | Kostenloser Versand', ['Bestseller', 'Angebote'], `
      Galaxy S24 Ultra 256 GB Titan Schwarz, 6,8 Zoll Display, 200 MP Kamera, Preis 1.199 Euro, auf Lager, Lieferung in
      zwei Tagen. iPhone 15 128 GB Blau, 6,1 Zoll Super Retina Display, Dual-Kamera, Preis 879 Euro, in den Warenkorb.
      Pixel 8 Pro 128 GB Obsidian, 50 MP Kamera, 5G, Preis 899 Euro, versandkostenfrei. Vergleichen Sie Modelle und
      filtern Sie nach Marke, Speicher, Bildschirmgröße und Preis. Alle Smartphones mit zwei Jahren Garantie und 30 Tagen
      Rückgaberecht. Geben Sie Ihr altes Handy in Zahlung und sparen Sie bis zu 300 Euro. Zubehör: Hüllen, Ladegeräte,
      Displayschutz und kabellose Kopfhörer. Bezahlen Sie in Raten mit null Prozent Zinsen. Kundenbewertungen: 4,6 von
      5 Sternen bei 2.340 Bewertungen.`),
  },
};

const FR: LanguageFixtures = {
  seeds: [
    page('Comment tailler les rosiers : le guide du débutant', ['Quand tailler les rosiers ?', 'Les outils', 'La taille pas à pas'], `
      La taille des rosiers garde les plantes en bonne santé et favorise la floraison. La plupart des rosiers se taillent
      à la fin de l'hiver, quand les bourgeons commencent à gonfler et que les fortes gelées sont passées. Il vous faut un
      sécateur bien affûté, une scie d'élagage pour les vieux bois et des gants épais contre les épines. Commencez par
      supprimer le bois mort, abîmé ou malade en coupant jusqu'au bois sain. Retirez ensuite les branches qui se croisent
      et aérez le centre du rosier pour que l'air et la lumière atteignent chaque tige. Coupez chaque branche à un
      demi-centimètre au-dessus d'un bourgeon tourné vers l'extérieur, en biais pour que la pluie s'écoule. Les rosiers
      buissons se taillent court, sur trois à cinq yeux ; les rosiers arbustes et les rosiers grimpants se taillent
      légèrement. Après la taille, ramassez les feuilles tombées, apportez un engrais pour rosiers et étalez du compost
      au pied. En été, supprimez les fleurs fanées pour prolonger la floraison.`),
    page('Faire son compost au jardin', ['Que mettre au compost ?', 'Monter le tas de compost', 'Utiliser le compost mûr'], `
      Un tas de compost transforme les déchets de cuisine et les déchets du jardin en terreau riche pour vos plates-bandes.
      Choisissez un coin mi-ombragé du jardin et installez le composteur directement sur la terre, pour que les vers de
      terre puissent y entrer. Mélangez les déchets verts, comme les épluchures de légumes, le marc de café, les tontes
      de gazon fraîches et les restes de plantes, avec des matières brunes comme les feuilles mortes, la paille, le carton
      déchiqueté et les brindilles. Le compost doit rester humide comme une éponge essorée. Retournez le tas avec une
      fourche-bêche toutes les quelques semaines pour l'aérer ; s'il sent mauvais, il est trop humide. Évitez la viande,
      les produits laitiers, les restes cuisinés et les plantes malades. Après six à douze mois, le compost est mûr :
      sombre, grumeleux, avec une odeur de sous-bois. Incorporez-le dans le potager, étalez-le en paillis au pied des
      arbustes et des rosiers, ou tamisez-le pour les semis.`),
    page('Construire un potager en carré surélevé', ['Choisir l\'emplacement', 'Remplir le carré', 'Que planter en premier ?'], `
      Un potager surélevé facilite la culture des légumes : la terre se réchauffe plus vite au printemps, l'eau s'écoule
      bien et le sol n'est jamais piétiné. Construisez le cadre avec des planches de bois non traité d'environ trente
      centimètres de haut et d'un mètre vingt de large au maximum, pour atteindre le centre des deux côtés. Installez le
      carré en plein soleil, au moins six heures par jour, près d'un point d'eau. Tapissez le fond de carton pour étouffer
      les mauvaises herbes, puis remplissez-le d'un mélange de terre de jardin et de compost bien décomposé. Semez au
      printemps des radis, de la laitue, des épinards et des petits pois, et plantez les tomates, les courgettes, les
      haricots et les poivrons après les dernières gelées. Faites tourner les cultures chaque année pour éviter les
      maladies du sol, arrosez les légumes le matin au pied et ajoutez une couche de compost chaque automne.`),
  ],
  on: {
    tomatoes: page('Cultiver les tomates au potager', ['Semer les tomates', 'La plantation', 'Arrosage et engrais'], `
      Les tomates sont le légume le plus cultivé dans les potagers familiaux. Semez les graines en mars, au chaud près
      d'une fenêtre, dans de petits godets remplis de terreau de semis. Quand les plants ont deux vraies feuilles,
      repiquez-les dans des pots plus grands. Plantez les jeunes plants de tomates en pleine terre à la mi-mai, dans un
      endroit ensoleillé et abrité de la pluie, dans une terre riche en compost. Enterrez la tige jusqu'aux premières
      feuilles, car elle forme de nouvelles racines. Tuteurez les tomates et supprimez les gourmands chaque semaine.
      Arrosez au pied le matin, sans mouiller le feuillage, pour éviter le mildiou. Apportez un engrais pour tomates riche
      en potasse dès la première floraison et paillez le sol avec de la paille ou des tontes de gazon. Récoltez les
      fruits bien colorés.`),
    mulching: page('Le paillage au jardin : pourquoi pailler ?', ['Quels matériaux choisir ?', 'Bien pailler'], `
      Une couche de paillis sur le sol garde l'humidité, limite les mauvaises herbes et nourrit la vie du sol. Pour
      pailler, on utilise les tontes de gazon, les feuilles mortes, la paille, les écorces de pin, le bois raméal
      fragmenté et le compost à moitié décomposé. Au potager, préférez la paille ou les tontes séchées ; au pied des
      arbustes et des rosiers, les écorces ou le compost. Étalez le paillis sur cinq à huit centimètres d'épaisseur à la
      fin du printemps, quand la terre est humide et réchauffée, en laissant un petit espace autour des tiges pour éviter
      la pourriture. Les vers de terre entraînent la matière dans le sol et améliorent sa structure. Renouvelez le
      paillage chaque automne : une terre argileuse devient ainsi plus souple et plus facile à travailler.`),
    tools: page('Les outils de jardin indispensables et leur entretien', ['L\'équipement de base', 'Nettoyer et affûter'], `
      Quelques bons outils suffisent pour la plupart des travaux du jardin : une bêche pour retourner les plates-bandes,
      une fourche-bêche pour aérer le compost, une binette contre les mauvaises herbes, un râteau pour niveler la terre,
      un transplantoir pour planter, un sécateur pour la taille des rosiers et un arrosoir avec une pomme fine pour les
      semis. Choisissez des outils en acier inoxydable avec des manches en frêne bien en main. Après chaque usage,
      enlevez la terre des lames et séchez-les pour éviter la rouille. Affûtez la bêche, la binette et le sécateur avec
      une lime au début de la saison, huilez les parties métalliques et rangez les outils au sec dans l'abri de jardin.
      Désinfectez les lames du sécateur à l'alcool entre deux plantes malades.`),
  },
  off: {
    election: page('Résultats des élections : le parti au pouvoir perd sa majorité', ['Participation en hausse', 'Négociations de coalition'], `
      Le parti au pouvoir a perdu sa majorité absolue lors des élections législatives de dimanche, selon les résultats
      officiels publiés lundi matin. L'alliance de l'opposition obtient 48 pour cent des voix, son meilleur score depuis
      vingt ans, et la participation atteint 71 pour cent. Le Premier ministre a reconnu sa défaite dans un bref discours
      au siège du parti et annoncé l'ouverture de négociations de coalition cette semaine. Les politologues citent la
      hausse des prix, le coût du logement et la polémique sur le budget de la santé. Plusieurs ministres ont perdu leur
      siège, dont le ministre des Finances. Les marchés ont réagi calmement. Les votes par correspondance seront comptés
      d'ici mercredi et pourraient changer le résultat dans trois circonscriptions serrées.`),
    release: page('Notes de version : version 4.2.0', ['Nouvelles fonctionnalités', 'Corrections de bogues', 'Changements incompatibles'], `
      La version 4.2.0 prend en charge les réponses en flux et ajoute une nouvelle option de configuration pour le pool
      de connexions. L'interface en ligne de commande affiche la progression des longues migrations et accepte une
      option de simulation. Nous avons corrigé une fuite de mémoire dans le client HTTP lors de l'annulation des
      requêtes, un plantage au démarrage quand le répertoire de cache n'était pas accessible en écriture, et une mauvaise
      gestion des fuseaux horaires dans le planificateur. L'analyseur JSON est environ quinze pour cent plus rapide.
      Changement incompatible : l'ancien module d'authentification a été supprimé ; utilisez le fournisseur de jetons.
      Node.js 18 n'est plus pris en charge. Pour mettre à jour, installez le paquet et redémarrez le serveur.`),
    phones: page('Smartphones – Achat en ligne | Livraison gratuite', ['Meilleures ventes', 'Promotions'], `
      Galaxy S24 Ultra 256 Go noir titane, écran 6,8 pouces, appareil photo 200 MP, prix 1 199 euros, en stock, livraison
      en deux jours. iPhone 15 128 Go bleu, écran Super Retina 6,1 pouces, double appareil photo, prix 879 euros, ajouter
      au panier. Pixel 8 Pro 128 Go obsidienne, appareil photo 50 MP, 5G, prix 899 euros, livraison offerte. Comparez les
      modèles et filtrez par marque, stockage, taille d'écran et prix. Tous les smartphones sont garantis deux ans avec
      retour sous 30 jours. Reprise de votre ancien téléphone jusqu'à 300 euros. Accessoires : coques, chargeurs,
      protections d'écran et écouteurs sans fil. Paiement en plusieurs fois sans frais. Avis clients : 4,6 sur 5.`),
  },
};

const ES: LanguageFixtures = {
  seeds: [
    page('Cómo podar rosales: guía para principiantes', ['Cuándo podar los rosales', 'Herramientas para la poda', 'La poda paso a paso'], `
      La poda de los rosales mantiene las plantas sanas y llenas de flores. La mayoría de los rosales se podan al final
      del invierno, cuando las yemas empiezan a hincharse y ya han pasado las heladas fuertes. Necesitas unas tijeras de
      podar bien afiladas, un serrucho de poda para las ramas viejas y unos guantes gruesos contra las espinas. Empieza
      por quitar la madera muerta, dañada o enferma, cortando hasta la madera sana. Después elimina las ramas que se
      cruzan y abre el centro del rosal para que el aire y la luz lleguen a cada tallo. Corta cada rama medio centímetro
      por encima de una yema que mire hacia fuera, en bisel para que escurra la lluvia. Los rosales híbridos de té se
      podan cortos, a tres o cinco yemas; los rosales arbustivos y trepadores solo necesitan una poda ligera. Tras la
      poda, recoge las hojas caídas, abona los rosales con un fertilizante para rosas y extiende compost alrededor del
      pie. En verano, corta las flores marchitas para prolongar la floración.`),
    page('Cómo hacer compost en casa', ['Qué se puede compostar', 'Montar la pila de compost', 'Usar el compost maduro'], `
      Una pila de compost convierte los restos de cocina y los restos del jardín en tierra fértil para tus bancales.
      Elige un rincón con media sombra y coloca la compostera directamente sobre la tierra, para que entren las lombrices.
      Mezcla materiales verdes, como peladuras de verduras, posos de café, césped recién cortado y restos de plantas, con
      materiales secos como hojas secas, paja, cartón triturado y ramitas. El compost debe estar húmedo como una esponja
      escurrida. Voltea la pila con una horca cada pocas semanas para airearla; si huele mal, está demasiado húmeda.
      Evita la carne, los lácteos, la comida cocinada y las plantas enfermas. En seis a doce meses el compost está
      maduro: oscuro, suelto y con olor a tierra de bosque. Incorpóralo a los bancales del huerto, extiéndelo como
      acolchado bajo los arbustos y los rosales o tamízalo para los semilleros.`),
    page('Cómo construir un bancal elevado para hortalizas', ['Elegir el sitio', 'Rellenar el bancal', 'Qué plantar primero'], `
      Un bancal elevado facilita el cultivo de hortalizas: la tierra se calienta antes en primavera, drena bien y nunca
      se pisa. Construye el marco con tablas de madera sin tratar de unos treinta centímetros de alto y como máximo un
      metro veinte de ancho, para llegar al centro desde ambos lados. Coloca el bancal a pleno sol, con al menos seis
      horas de luz al día y cerca de un grifo. Cubre el fondo con cartón para ahogar las malas hierbas y rellénalo con
      una mezcla de tierra vegetal y compost bien descompuesto. Siembra en primavera rábanos, lechugas, espinacas y
      guisantes, y planta los tomates, calabacines, judías y pimientos cuando pasen las heladas. Rota los cultivos cada
      año para que no se acumulen plagas ni enfermedades en el suelo, riega las hortalizas por la mañana y añade una
      capa de compost a los bancales cada otoño.`),
  ],
  on: {
    tomatoes: page('Cultivar tomates en el huerto', ['Sembrar los tomates', 'El trasplante', 'Riego y abonado'], `
      Los tomates son la hortaliza más cultivada en los huertos familiares. Siembra las semillas en marzo, en un lugar
      cálido junto a la ventana, en macetas pequeñas con sustrato para semilleros. Cuando las plántulas tengan dos hojas
      verdaderas, trasplántalas a macetas más grandes. Planta las tomateras en el huerto a mediados de mayo, en un sitio
      soleado y protegido de la lluvia, con tierra rica en compost. Entierra el tallo hasta las primeras hojas, porque
      allí forma raíces nuevas. Entutora las tomateras y quita los chupones cada semana. Riega al pie por la mañana sin
      mojar las hojas, para evitar el mildiu. Abona con un fertilizante para tomates rico en potasio desde la primera
      floración y acolcha el suelo con paja o césped cortado. Cosecha los frutos cuando estén bien coloreados.`),
    mulching: page('El acolchado en el huerto y el jardín', ['Qué materiales usar', 'Cómo acolchar'], `
      Una capa de acolchado sobre la tierra conserva la humedad, frena las malas hierbas y alimenta la vida del suelo.
      Para acolchar se usan el césped cortado, las hojas secas, la paja, la corteza de pino y el compost a medio
      descomponer. En los bancales de hortalizas es mejor la paja o el césped seco; bajo los arbustos y los rosales, la
      corteza o el compost. Extiende el acolchado con un grosor de cinco a ocho centímetros a finales de primavera,
      cuando la tierra esté húmeda y templada, y deja un pequeño espacio alrededor de los tallos para que no se pudran.
      Las lombrices arrastran el material hacia el suelo y mejoran su estructura. Renueva el acolchado cada otoño: así un
      suelo arcilloso se vuelve más suelto y fácil de trabajar.`),
    tools: page('Herramientas de jardín imprescindibles y su cuidado', ['El equipo básico', 'Limpiar y afilar'], `
      Unas pocas herramientas buenas bastan para casi todas las tareas del jardín: una pala para cavar los bancales, una
      horca para voltear el compost, una azada contra las malas hierbas, un rastrillo para nivelar la tierra, un
      plantador para plantar, unas tijeras de podar para los rosales y una regadera con alcachofa fina para los
      semilleros. Elige herramientas de acero inoxidable con mangos de fresno cómodos en la mano. Después de cada uso,
      quita la tierra de las hojas metálicas y sécalas para evitar el óxido. Afila la pala, la azada y las tijeras con
      una lima al comienzo de la temporada, engrasa las piezas de metal y guarda las herramientas en un cobertizo seco.
      Desinfecta las tijeras con alcohol entre plantas enfermas.`),
  },
  off: {
    election: page('Resultados electorales: el partido del Gobierno pierde la mayoría', ['Sube la participación', 'Negociaciones de coalición'], `
      El partido del Gobierno perdió su mayoría absoluta en las elecciones generales del domingo, según los resultados
      oficiales publicados el lunes por la mañana. La alianza de la oposición obtuvo el 48 por ciento de los votos, su
      mejor resultado en dos décadas, y la participación subió al 71 por ciento. El presidente del Gobierno reconoció la
      derrota en un breve discurso en la sede del partido y anunció negociaciones de coalición esta semana. Los analistas
      señalan la subida de los precios, el coste de la vivienda y la polémica sobre el presupuesto de sanidad. Varios
      ministros perdieron su escaño, entre ellos el ministro de Hacienda. Los mercados reaccionaron con calma. El voto por
      correo se contará hasta el miércoles y podría cambiar el resultado en tres circunscripciones muy ajustadas.`),
    release: page('Notas de la versión 4.2.0', ['Novedades', 'Errores corregidos', 'Cambios incompatibles'], `
      La versión 4.2.0 admite respuestas en streaming y añade una nueva opción de configuración para el pool de
      conexiones. La interfaz de línea de comandos muestra el progreso de las migraciones largas y acepta una opción de
      simulación. Hemos corregido una fuga de memoria en el cliente HTTP al cancelar peticiones, un fallo al arrancar
      cuando el directorio de caché no tenía permisos de escritura y un error en el manejo de las zonas horarias del
      planificador. El analizador JSON es un quince por ciento más rápido. Cambio incompatible: se ha eliminado el antiguo
      módulo de autenticación; utiliza el proveedor de tokens. Node.js 18 ya no es compatible. Para actualizar, instala
      el paquete, ejecuta el comando de migración y reinicia el servidor.`),
    phones: page('Smartphones: compra online | Envío gratis', ['Más vendidos', 'Ofertas'], `
      Galaxy S24 Ultra 256 GB negro titanio, pantalla de 6,8 pulgadas, cámara de 200 MP, precio 1.199 euros, en stock,
      entrega en dos días. iPhone 15 128 GB azul, pantalla Super Retina de 6,1 pulgadas, cámara doble, precio 879 euros,
      añadir a la cesta. Pixel 8 Pro 128 GB obsidiana, cámara de 50 MP, 5G, precio 899 euros, envío gratuito. Compara
      modelos y filtra por marca, almacenamiento, tamaño de pantalla y precio. Todos los smartphones tienen dos años de
      garantía y 30 días de devolución. Entrega tu móvil antiguo y ahorra hasta 300 euros. Accesorios: fundas,
      cargadores, protectores de pantalla y auriculares inalámbricos. Paga a plazos sin intereses. Opiniones: 4,6 de 5.`),
  },
};

const FIXTURES: Record<RelevanceLanguage, LanguageFixtures> = { en: EN, de: DE, fr: FR, es: ES };
const profiles = Object.fromEntries(
  RELEVANCE_LANGUAGES.map((lang) => [lang, buildProfile(FIXTURES[lang].seeds.map(pageTerms), [])]),
) as Record<RelevanceLanguage, NicheProfile>;
const score = (lang: RelevanceLanguage, text: PageText) => relevance(profiles[lang], pageTerms(text));

t.test('on-topic pages score high and off-topic pages low, in every language', async (t) => {
  for (const lang of RELEVANCE_LANGUAGES) {
    const { on, off } = FIXTURES[lang];
    const onScores = Object.entries(on).map(([name, text]) => [name, score(lang, text)] as const);
    const offScores = Object.entries(off).map(([name, text]) => [name, score(lang, text)] as const);
    t.comment(`${lang}: on ${onScores.map(([n, s]) => `${n} ${s}`).join(', ')}; off ${offScores.map(([n, s]) => `${n} ${s}`).join(', ')}`);
    for (const [name, s] of onScores) t.ok(s >= 0.6, `${lang} ${name}: ${s} >= 0.6`);
    for (const [name, s] of offScores) t.ok(s <= 0.2, `${lang} ${name}: ${s} <= 0.2`);
    t.ok(Math.min(...onScores.map(([, s]) => s)) - Math.max(...offScores.map(([, s]) => s)) >= 0.4, `${lang}: a clear margin`);
    for (const seed of FIXTURES[lang].seeds) t.ok(score(lang, seed) >= 0.8, `${lang}: a seed fits its own niche`);
  }
});

t.test('each page is read in its language', async (t) => {
  for (const lang of RELEVANCE_LANGUAGES) {
    const { seeds, on, off } = FIXTURES[lang];
    for (const text of [...seeds, ...Object.values(on), ...Object.values(off)]) {
      t.equal(pageTerms(text).lang, lang, `${lang}: ${text.title}`);
    }
    t.equal(profiles[lang].lang, lang);
    t.same(profiles[lang].langVotes, { [lang]: 3 });
  }
  t.equal(pageTerms(page(null, [], 'Ein Garten ist schön.', 'de-AT')).lang, 'de', 'a declared lang wins: de-AT is German');
  t.equal(pageTerms(page(null, [], 'Ein Garten ist schön.', null)).lang, null, 'too few stop words to tell: unknown');
  t.equal(pageTerms({ ...EN.on.tomatoes!, declaredLang: 'EN_gb' }).lang, 'en', 'case and underscore do not matter');
  t.equal(pageTerms({ ...DE.on.tomatoes!, declaredLang: 'it' }).lang, 'de', 'an unsupported declared lang: detected from the words');
  t.equal(pageTerms({ ...DE.on.tomatoes!, declaredLang: 'en' }).lang, 'en', 'a declared lang is trusted, even when wrong');
});

t.test('pageTerms: words, stems, weights', async (t) => {
  const terms = pageTerms(EN.seeds[0]!);
  t.ok(terms.terms.length <= MAX_PAGE_TERMS);
  t.same(terms.terms, [...terms.terms].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)), 'heaviest first, ties by stem');
  t.same(terms.terms.slice(0, 2), [['prune', 13], ['rose', 12]], 'the page is about pruning roses');
  const weights = new Map(pageTerms(page('Roses', ['Roses and pruning'], 'Roses roses. The rose is pruned; 2024 is a year.')).terms);
  t.equal(weights.get('rose'), 3 + 2 + 3, 'title x3, heading x2, text x1: roses, rose and Roses are one stem');
  t.equal(weights.get('prune'), 2 + 1, '"pruning" and "pruned" are "prune"');
  t.notOk(weights.has('the') || weights.has('is') || weights.has('2024') || weights.has('and'), 'no stop words, no numbers');
  t.same(pageTerms(page(null, [], '', null)), { lang: null, terms: [], words: 0 });
  const stems = (text: PageText) => pageTerms(text).terms.map(([s]) => s);
  t.same(pageTerms(page(null, [], 'Die Rosen und die Rose im Garten', 'de')).terms, [['ros', 2], ['gart', 1]], 'Rosen / Rose');
  t.same(stems(page(null, [], 'les tomates et la tomate', 'fr')), ['tomat'], 'tomates / tomate');
  t.same(stems(page(null, [], 'las tomates y el tomate', 'es')), ['tomat'], 'tomates / tomate (es)');
  const many = pageTerms(page(null, [], Array.from({ length: 400 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i}`).join(' ')));
  t.equal(many.terms.length, MAX_PAGE_TERMS, 'at most MAX_PAGE_TERMS stems');
  t.equal(many.words, 400);
});

t.test('the profile: the niche\'s heaviest stems, in its language', async (t) => {
  t.ok(profiles.en.terms.length <= MAX_PROFILE_TERMS);
  t.comment(`en: ${topTerms(profiles.en, 12).join(' ')}`);
  t.comment(`de: ${topTerms(profiles.de, 12).join(' ')}`);
  t.comment(`fr: ${topTerms(profiles.fr, 12).join(' ')}`);
  t.comment(`es: ${topTerms(profiles.es, 12).join(' ')}`);
  t.equal(topTerms(profiles.en, 1)[0], 'compost', 'compost is in all three seeds');
  t.ok(topTerms(profiles.en, 10).includes('rose'));
  t.same(topTerms(profiles.en, 0), []);
  t.equal(topTerms(profiles.en, 1_000).length, profiles.en.terms.length);
  t.same(buildProfile([], []), { lang: null, terms: [] }, 'neither seeds nor keywords: an empty profile');
  t.same(buildProfile([], ['the', 'a']), { lang: null, terms: [] }, 'keywords of stop words only: empty too');
  for (const text of Object.values(EN.off)) t.equal(relevance({ lang: null, terms: [] }, pageTerms(text)), 1, 'an empty profile measures nothing: 1');
});

t.test('one long seed does not dominate', async (t) => {
  // Each seed is scaled to the same size: a rose page eight times as long does not turn the niche into roses.
  const longRoses = { ...EN.seeds[0]!, text: EN.seeds[0]!.text.repeat(8) };
  const profile = buildProfile([longRoses, EN.seeds[1]!, EN.seeds[2]!].map(pageTerms), []);
  t.equal(topTerms(profile, 1)[0], 'compost');
  t.ok(topTerms(profile, 5).includes('bed'));
  for (const text of Object.values(EN.on)) t.ok(relevance(profile, pageTerms(text)) >= 0.6);
});

t.test('keywords alone make a usable profile', async (t) => {
  const keywords = buildProfile([], ['rose pruning', 'compost']);
  t.equal(keywords.lang, null, 'three words cannot tell a language');
  t.same(keywords.terms.map(([s]) => s).sort(), ['compost', 'pruning', 'rose'], 'kept as plain words until a seed decides the language');
  const on = Object.entries(EN.on).map(([name, text]) => [name, relevance(keywords, pageTerms(text))] as const);
  const off = Object.entries(EN.off).map(([name, text]) => [name, relevance(keywords, pageTerms(text))] as const);
  t.comment(`keywords only: on ${on.map(([n, s]) => `${n} ${s}`).join(', ')}; off ${off.map(([n, s]) => `${n} ${s}`).join(', ')}`);
  t.ok(relevance(keywords, pageTerms(EN.seeds[0]!)) >= 0.6, 'the rose pruning page fits "rose pruning"');
  t.ok(relevance(keywords, pageTerms(EN.seeds[1]!)) >= 0.6, 'the composting page fits "compost"');
  // "Turnout rose to 71 percent": the verb shares the flower's stem, one word is all the election has.
  for (const [name, s] of off) t.ok(s <= 0.2, `${name}: little or nothing in common (${s})`);
  for (const [name, s] of on) t.ok(s >= 0.5, `${name}: the keywords' words are there (${s})`);
  const german = buildProfile([], ['Rosen schneiden', 'Kompost']);
  t.ok(relevance(german, pageTerms(DE.seeds[0]!)) >= 0.6, 'German keywords read with the German stemmer for a German page');
  const withSeeds = buildProfile(EN.seeds.map(pageTerms), ['rose pruning', 'compost']);
  t.equal(withSeeds.lang, 'en');
  t.same(topTerms(withSeeds, 3).sort(), ['compost', 'prune', 'rose'], 'keywords, stemmed in the niche\'s language, stand on top');
  t.same(new Set(withSeeds.terms.slice(0, 3).map(([, w]) => w)).size, 1, 'with the same weight');
});

t.test('buildProfile is mergeProfile folded over the seeds', async (t) => {
  for (const lang of RELEVANCE_LANGUAGES) {
    const seeds = FIXTURES[lang].seeds.map(pageTerms);
    const keywords = lang === 'en' ? ['rose pruning', 'compost'] : [];
    let folded: NicheProfile = { lang: null, terms: [] };
    for (const seed of seeds) folded = mergeProfile(folded, seed, keywords);
    t.same(folded, buildProfile(seeds, keywords), `${lang}: identical`);
    // The 60-stem cap makes the fold depend a little on the order of the seeds: the heavy stems and the
    // scores do not move much.
    const reversed = buildProfile([...seeds].reverse(), keywords);
    t.same(topTerms(reversed, 2), topTerms(folded, 2), `${lang}: the same 2 heaviest stems in reverse order`);
    const kept = new Set(topTerms(folded, MAX_PROFILE_TERMS));
    t.ok(topTerms(reversed, MAX_PROFILE_TERMS).filter((s) => kept.has(s)).length >= 0.9 * kept.size, `${lang}: 90% of the stems`);
    for (const text of Object.values(FIXTURES[lang].on)) {
      const [a, b] = [relevance(folded, pageTerms(text)), relevance(reversed, pageTerms(text))];
      t.ok(Math.abs(a - b) <= 0.15 && Math.min(a, b) >= 0.6, `${lang} ${text.title}: on topic in either order (${a}, ${b})`);
    }
    for (const text of Object.values(FIXTURES[lang].off)) t.ok(relevance(reversed, pageTerms(text)) <= 0.2);
  }
  const en = buildProfile(EN.seeds.map(pageTerms), ['compost']);
  t.same(mergeProfile(en, { lang: null, terms: [], words: 0 }, ['compost']), en, 'merging nothing with the same keywords changes nothing');
  const unknown = mergeProfile({ lang: null, terms: [] }, pageTerms(page('Roses', [], 'Pruning roses, roses and more roses')));
  t.equal(unknown.lang, null);
  t.ok(unknown.terms.some(([s]) => s === 'roses'), 'plain words while the language is unknown');
  const decided = mergeProfile(unknown, pageTerms(EN.seeds[0]!));
  t.equal(decided.lang, 'en');
  t.notOk(decided.terms.some(([s]) => s === 'roses'), 'stemmed once a seed decides the language');
  t.ok(decided.terms.some(([s]) => s === 'rose'));
  const mixed = buildProfile([EN.seeds[0]!, DE.seeds[0]!, DE.seeds[1]!].map(pageTerms), []);
  t.equal(mixed.lang, 'de', 'the majority of the seeds');
  t.same(mixed.langVotes, { en: 1, de: 2 });
});

t.test('a page in another language scores low, but not 0', async (t) => {
  const germanOnEnglish = relevance(profiles.en, pageTerms(DE.on.mulching!));
  const englishOn = relevance(profiles.en, pageTerms(EN.on.mulching!));
  const germanOff = relevance(profiles.en, pageTerms(DE.off.election!));
  t.comment(`English profile: English mulching ${englishOn}, German mulching ${germanOnEnglish}, German election ${germanOff}`);
  t.ok(germanOnEnglish > 0, 'shared words (Mulch, Kompost...) still count');
  t.ok(germanOnEnglish <= 0.3, 'but it scores low');
  t.ok(germanOnEnglish < englishOn);
  t.ok(germanOnEnglish >= germanOff);
  for (const lang of RELEVANCE_LANGUAGES) {
    for (const other of RELEVANCE_LANGUAGES.filter((l) => l !== lang)) {
      for (const text of Object.values(FIXTURES[other].on)) {
        t.ok(relevance(profiles[lang], pageTerms(text)) <= 0.3, `${other} page on ${lang} profile <= 0.3`);
      }
    }
  }
  const terse = pageTerms(page('Rosen schneiden', [], 'Rosenschnitt, Kompost, Gartenschere, Rosen'));
  t.equal(terse.lang, null, 'no stop words: the language is unknown');
  const [de, es] = [relevance(profiles.de, terse), relevance(profiles.es, terse)];
  t.comment(`a German page of unknown language: ${de} on the German profile, ${es} on the Spanish one`);
  t.ok(de > NEUTRAL && de > es, 'read with the niche\'s stemmer, it matches (a short page: near neutral)');
  const unknownLang = pageTerms({ ...DE.on.mulching!, declaredLang: 'nl' });
  t.equal(unknownLang.lang, 'de', 'detected despite an unsupported declared lang');
  t.ok(CROSS_LANGUAGE_FACTOR < 1);
});

t.test('short pages score near neutral, not 0 or 1 by accident', async (t) => {
  const cases = {
    onTopic: page('Pruning roses in March', [], 'Cut back your roses above an outward bud when the frosts are over.'),
    offTopic: page('Election results', [], 'The governing party lost its majority on Sunday.'),
    titleOnly: page('Composting', [], ''),
    empty: page(null, [], ''),
  };
  const scores = Object.fromEntries(Object.entries(cases).map(([name, text]) => [name, score('en', text)]));
  t.comment(`short pages: ${JSON.stringify(scores)}`);
  for (const [name, s] of Object.entries(scores)) t.ok(s > 0.05 && s < 0.75, `${name}: ${s} between bounds`);
  t.equal(scores.empty, NEUTRAL, 'nothing to read: exactly neutral');
  t.ok(scores.onTopic! > scores.offTopic!, 'but the words still lean it');
  t.ok(scores.onTopic! > NEUTRAL && scores.offTopic! < NEUTRAL);
});

t.test('a page of navigation words with little content scores low', async (t) => {
  const nav = page('Green Thumb Blog', [], `
    Home About Contact Login Register Shop Blog Privacy Terms Cookies Sitemap Search Cart Checkout Account Wishlist
    Newsletter Subscribe Facebook Twitter Instagram Pinterest YouTube Careers Press Advertise Help FAQ Shipping Returns
    Home About Contact Login Shop Blog Privacy Menu Categories Archives Recent Posts Popular Posts Tags Follow Share
    Copyright Green Thumb Media All rights reserved. Watering your roses in the morning helps them.`);
  const s = score('en', nav);
  t.comment(`navigation page: ${s} (${pageTerms(nav).words} words)`);
  t.ok(s <= 0.25, `${s} is low`);
});

t.test('linkRelevance: anchor text and URL words', async (t) => {
  const link = (anchorText: string, url: string) => linkRelevance(profiles.en, { anchorText, url });
  const cases = {
    pruning: link('how to prune roses', 'https://garden.example/garden/pruning-roses'),
    compost: link('Read more', '/guides/composting-for-beginners.html'),
    election: link('election results', 'https://news.example/politics/2024'),
    phones: link('Buy the new Galaxy', '/shop/phones/galaxy-s24?ref=nav'),
    nothing: link('here', '/p?id=5'),
    click: link('click here', '/p?id=5'),
    short: link('roses', '/'),
    broken: link('', 'http://[::1'),
  };
  t.comment(`links: ${JSON.stringify(cases)}`);
  t.ok(cases.pruning >= 0.8, 'how to prune roses: high');
  t.ok(cases.compost >= 0.6, 'the URL alone can carry it');
  t.ok(cases.election <= 0.1, 'election results: low');
  t.ok(cases.phones <= 0.1);
  t.equal(cases.nothing, NEUTRAL, 'no words to judge by: neutral');
  t.ok(cases.click > 0 && cases.click < NEUTRAL, 'one word, not the niche\'s: below neutral, not 0');
  t.ok(cases.short > NEUTRAL && cases.short < cases.pruning, 'one word of the niche: above neutral, below a full match');
  t.equal(cases.broken, NEUTRAL, 'an unparseable URL is no word');
  t.equal(linkRelevance({ lang: null, terms: [] }, { anchorText: 'election', url: '/' }), 1, 'an empty profile: 1');
  const keywords = buildProfile([], ['rose pruning']);
  t.ok(linkRelevance(keywords, { anchorText: 'Pruned roses', url: '/roses/pruned' }) >= 0.6, 'a keyword profile without a language still matches inflected words');
  t.ok(linkRelevance(profiles.de, { anchorText: 'Rosen richtig schneiden', url: '/garten/rosenschnitt' }) >= 0.6, 'German');
  t.ok(linkRelevance(profiles.fr, { anchorText: 'Tailler ses rosiers', url: '/jardin/taille-rosiers' }) >= 0.6, 'French');
  t.ok(linkRelevance(profiles.es, { anchorText: 'Podar los rosales', url: '/jardin/poda-rosales' }) >= 0.6, 'Spanish');
});

t.test('deterministic', async (t) => {
  const again = buildProfile(EN.seeds.map(pageTerms), []);
  t.same(again, profiles.en, 'the same seeds give the same profile');
  t.same(JSON.parse(JSON.stringify(again)), again, 'plain data: stored and read back as JSON, it is the same');
  const stored = JSON.parse(JSON.stringify(again)) as NicheProfile;
  for (const text of [...Object.values(EN.on), ...Object.values(EN.off)]) {
    const terms = pageTerms(text);
    t.equal(relevance(stored, terms), relevance(profiles.en, terms));
    t.same(pageTerms(text), terms);
  }
});

t.test('cheap enough to score every crawled page (no timing assertion)', async (t) => {
  const texts = RELEVANCE_LANGUAGES.flatMap((lang) => [...Object.values(FIXTURES[lang].on), ...Object.values(FIXTURES[lang].off)]);
  let total = 0;
  const started = performance.now();
  for (let i = 0; i < 2_000; i++) {
    const text = texts[i % texts.length]!;
    total += relevance(profiles.en, pageTerms({ ...text, title: `${text.title} ${i}` }));
  }
  t.comment(`2,000 pages tokenized and scored in ${Math.round(performance.now() - started)} ms`);
  t.ok(total > 0, 'completed');
});

t.test('the words shown for stems: as the seeds and keywords wrote them', async (t) => {
  const seed = pageTerms({ title: 'Pruning roses', headings: ['When to prune'], text: 'Pruning roses in spring keeps the roses flowering. Prune above a bud.', declaredLang: 'en' });
  t.equal(seed.shown?.prune, 'pruning', 'the heaviest word of the stem');
  t.equal(seed.shown?.rose, 'roses');
  t.notOk(seed.shown && 'spring' in seed.shown, 'a word that is its own stem needs nothing shown');
  const profile = buildProfile([seed], ['tulips']);
  t.equal(profile.shown?.prune, 'pruning');
  t.equal(profile.shown?.tulip, 'tulips', "a keyword's word");
  t.equal(mergeProfile(profile, pageTerms({ title: 'Pruned', headings: [], text: 'pruned pruned pruned', declaredLang: 'en' })).shown?.prune, 'pruning', 'a word shown stays');
});
